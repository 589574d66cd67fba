package org.lucerna.optvis;

import java.util.List;

/**
 * What varies between renders that share one {@link Plan}: fed to the graph, never built into it.
 *
 * @param snapshots the steps after which the image is also kept, ascending
 * @param startImage the image to start from, or null to start from noise drawn from the seed
 * @param sharedStart every batch element starts from the noise the first one gets (the noise a
 *     batch of one draws from the seed), instead of each its own: with the transforms' draws, which
 *     are one per step for the whole batch, element k then follows the same path as a render of
 *     batch 1 with element k's objective
 * @param schedule how the learning rate changes from step to step
 */
public record RenderSettings(
    int steps,
    long seed,
    double learningRate,
    List<Integer> snapshots,
    ImageBatch startImage,
    boolean sharedStart,
    LearningRateSchedule schedule) {

  public RenderSettings {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    snapshots = snapshots.stream().distinct().sorted().toList();
    schedule = schedule == null ? LearningRateSchedule.CONSTANT : schedule;
  }

  public RenderSettings(int steps, long seed, double learningRate, List<Integer> snapshots) {
    this(steps, seed, learningRate, snapshots, null, false, LearningRateSchedule.CONSTANT);
  }

  /**
   * Learning rate 0.05, constant: short renders in checks and benchmarks. The service's default
   * recipe adds {@link LearningRateSchedule#DEFAULT}.
   */
  public RenderSettings(int steps, long seed) {
    this(steps, seed, 0.05, List.of());
  }

  /** These settings, starting from {@code image} instead of the seed's noise. */
  public RenderSettings withStartImage(ImageBatch image) {
    return new RenderSettings(steps, seed, learningRate, snapshots, image, sharedStart, schedule);
  }

  /** These settings, every batch element starting from the first one's noise. */
  public RenderSettings withSharedStart() {
    return new RenderSettings(steps, seed, learningRate, snapshots, startImage, true, schedule);
  }

  /** These settings, the learning rate following {@code next}. */
  public RenderSettings withSchedule(LearningRateSchedule next) {
    return new RenderSettings(steps, seed, learningRate, snapshots, startImage, sharedStart, next);
  }

  /** The learning rate at {@code step} (1 to {@link #steps}). */
  public double learningRate(int step) {
    return learningRate * schedule.factor(step, steps);
  }
}
