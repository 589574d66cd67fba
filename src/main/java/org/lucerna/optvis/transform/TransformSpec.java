package org.lucerna.optvis.transform;

import java.util.List;
import java.util.Objects;

/** One transform's settings; validated on construction. Build them with {@link Transforms}. */
public sealed interface TransformSpec {
  /** Short name, also the graph sub-scope ({@code transform/pad}, ...). */
  String kind();

  /** Grows each side by {@code width} pixels, so height and width grow by 2·width. */
  record Pad(int width, PadMode mode, double value) implements TransformSpec {
    public Pad {
      Objects.requireNonNull(mode, "mode");
      requireRange("pad width", width, 0, Transforms.MAX_PIXELS);
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException("pad value must be between 0 and 1, got " + value);
      }
    }

    @Override
    public String kind() {
      return "pad";
    }
  }

  /** A random crop that shrinks height and width by {@code pixels} each (Lucid's jitter). */
  record Jitter(int pixels) implements TransformSpec {
    public Jitter {
      requireRange("jitter pixels", pixels, 0, Transforms.MAX_PIXELS);
    }

    @Override
    public String kind() {
      return "jitter";
    }
  }

  /** Bilinear resize by one factor drawn from {@code factors}; the new size is rounded, at least 1. */
  record RandomScale(List<Double> factors) implements TransformSpec {
    public RandomScale {
      factors = List.copyOf(factors);
      if (factors.isEmpty()) {
        throw new IllegalArgumentException("random scale needs at least one factor");
      }
      for (double f : factors) {
        if (!(f > 0 && f <= Transforms.MAX_SCALE)) {
          throw new IllegalArgumentException("scale factors must be greater than 0 and at most "
              + Transforms.MAX_SCALE + ", got " + f);
        }
      }
    }

    @Override
    public String kind() {
      return "scale";
    }
  }

  /**
   * Rotation about the centre by an angle drawn from {@code degrees}; positive turns the picture
   * counter-clockwise. Bilinear sampling; pixels that come from outside the image are 0.5.
   */
  record RandomRotate(List<Double> degrees) implements TransformSpec {
    public RandomRotate {
      degrees = List.copyOf(degrees);
      if (degrees.isEmpty()) {
        throw new IllegalArgumentException("random rotate needs at least one angle");
      }
      for (double d : degrees) {
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("rotation angles must be finite numbers of degrees, got " + d);
        }
      }
    }

    @Override
    public String kind() {
      return "rotate";
    }
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
