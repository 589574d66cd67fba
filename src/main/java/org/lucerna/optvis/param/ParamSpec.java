package org.lucerna.optvis.param;

import java.util.Objects;

/**
 * What a request says about the image parametrization.
 *
 * @param kind how parameters become pixels: a frequency basis or the pixels themselves
 * @param decay frequency decay of the Fourier basis (0 = every frequency equally easy to change); ignored
 *     by {@link Kind#PIXEL}
 * @param decorrelate whether the three channels go through ImageNet's color correlation; applies to RGB
 *     (3-channel) images only and is ignored for any other channel count, since the color statistics
 *     describe RGB
 * @param squash how values are brought into the image range
 * @param gain factor inside the sigmoid, {@code sigmoid(gain·x)}; ignored by {@link Squash#CLIP}
 */
public record ParamSpec(Kind kind, double decay, boolean decorrelate, Squash squash, double gain) {
  /** Fourier basis with decay 1, decorrelated colors, sigmoid with gain 1. */
  public static final ParamSpec DEFAULT = new ParamSpec(Kind.FOURIER, 1.0, true, Squash.SIGMOID, 1.0);

  /** Largest decay accepted; beyond it the highest frequencies get factors below 1e-30 and never move. */
  public static final double MAX_DECAY = 10;

  public enum Kind { FOURIER, PIXEL }

  public enum Squash {
    /** {@code sigmoid(gain·x)}: values in the open interval (0, 1), gradient everywhere. */
    SIGMOID,
    /** Clip to [0, 1] forward; the gradient passes unchanged (straight-through), so clipped pixels can return. */
    CLIP
  }

  public ParamSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(squash, "squash");
    if (!(decay >= 0 && decay <= MAX_DECAY)) {
      throw new IllegalArgumentException("decay must be between 0 and " + MAX_DECAY + ", got " + decay);
    }
    if (!(gain > 0 && gain <= 1000)) {
      throw new IllegalArgumentException("gain must be greater than 0 and at most 1000, got " + gain);
    }
  }

  /** The same settings with a pixel basis. */
  public static ParamSpec pixel(boolean decorrelate, Squash squash) {
    return new ParamSpec(Kind.PIXEL, DEFAULT.decay, decorrelate, squash, DEFAULT.gain);
  }

  public ParamSpec withDecay(double newDecay) {
    return new ParamSpec(kind, newDecay, decorrelate, squash, gain);
  }

  public ParamSpec withGain(double newGain) {
    return new ParamSpec(kind, decay, decorrelate, squash, newGain);
  }

  public ParamSpec withDecorrelate(boolean newDecorrelate) {
    return new ParamSpec(kind, decay, newDecorrelate, squash, gain);
  }

  public ParamSpec withSquash(Squash newSquash) {
    return new ParamSpec(kind, decay, decorrelate, newSquash, gain);
  }
}
