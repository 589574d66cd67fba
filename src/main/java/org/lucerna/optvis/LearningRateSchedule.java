package org.lucerna.optvis;

/**
 * How the learning rate changes over a render: a linear warm-up over the first {@code warmup} of
 * the steps, then a cosine decay to {@code decayTo} of the rate by the last step. The first steps
 * move the image fast, the last ones refine it; a long render then ends sharper instead of burning
 * out. It scales the rate a render is given, step by step, so it is fed, never built into a plan:
 * renders that differ only in it share one plan.
 *
 * @param warmup the share of the steps, from 0 to 0.5, over which the rate rises linearly to its
 *     full value (0: full from the first step)
 * @param decayTo the share of the rate left at the last step, from 0 to 1 (1: no decay)
 */
public record LearningRateSchedule(double warmup, double decayTo) {
  /**
   * The default: no warm-up, down to a tenth by the last step (chosen by the README's quality
   * study).
   */
  public static final LearningRateSchedule DEFAULT = new LearningRateSchedule(0, 0.1);

  /** The rate as given at every step. */
  public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(0, 1);

  public LearningRateSchedule {
    if (!(warmup >= 0 && warmup <= 0.5)) {
      throw new IllegalArgumentException("warmup must be from 0 to 0.5, got " + warmup);
    }
    if (!(decayTo >= 0 && decayTo <= 1)) {
      throw new IllegalArgumentException("decayTo must be from 0 to 1, got " + decayTo);
    }
  }

  /**
   * The factor on the learning rate at {@code step} (1 to {@code steps}); never 0 before the end.
   */
  public double factor(int step, int steps) {
    double warmSteps = warmup * steps;
    if (step <= warmSteps) {
      // Step 1 already moves: a warm-up that starts at 0 would waste its first step.
      return step / Math.ceil(warmSteps);
    }
    double decaySteps = steps - Math.ceil(warmSteps);
    if (decayTo == 1 || decaySteps <= 1) {
      return 1;
    }
    double u = (step - Math.ceil(warmSteps) - 1) / (decaySteps - 1); // 0 after warm-up, 1 last
    return decayTo + (1 - decayTo) * 0.5 * (1 + Math.cos(Math.PI * u));
  }
}
