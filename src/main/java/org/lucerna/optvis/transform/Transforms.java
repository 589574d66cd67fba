package org.lucerna.optvis.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Factories for {@link TransformSpec}s and Lucid's standard list. */
public final class Transforms {
  /** Largest pad or jitter, in pixels. */
  public static final int MAX_PIXELS = 1024;
  /** Largest scale factor. */
  public static final double MAX_SCALE = 4;
  /** The fill of a constant pad, of a rotation's corners and of a crop-or-pad fit: mid gray. */
  public static final double GRAY = 0.5;

  private Transforms() {}

  /**
   * Lucid's standard list: pad(12, constant 0.5), jitter(8), scale by one of 0.90, 0.92 … 1.10,
   * rotate by one of −10 … 10 degrees with 0 five more times, jitter(4).
   */
  public static List<TransformSpec> standard() {
    List<Double> scales = new ArrayList<>();
    for (int i = -5; i <= 5; i++) {
      scales.add(1 + i / 50.0);
    }
    List<Double> angles = new ArrayList<>();
    for (int d = -10; d <= 10; d++) {
      angles.add((double) d);
    }
    for (int i = 0; i < 5; i++) {
      angles.add(0.0);
    }
    return List.of(pad(12), jitter(8), new TransformSpec.RandomScale(scales),
        new TransformSpec.RandomRotate(angles), jitter(4));
  }

  /** Constant pad with mid gray. */
  public static TransformSpec.Pad pad(int width) {
    return new TransformSpec.Pad(width, PadMode.CONSTANT, GRAY);
  }

  public static TransformSpec.Pad pad(int width, PadMode mode) {
    return new TransformSpec.Pad(width, mode, GRAY);
  }

  public static TransformSpec.Jitter jitter(int pixels) {
    return new TransformSpec.Jitter(pixels);
  }

  public static TransformSpec.RandomScale scale(double... factors) {
    return new TransformSpec.RandomScale(Arrays.stream(factors).boxed().toList());
  }

  public static TransformSpec.RandomRotate rotate(double... degrees) {
    return new TransformSpec.RandomRotate(Arrays.stream(degrees).boxed().toList());
  }

  /**
   * Checks that {@code specs} can run on an image of {@code size} pixels a side whatever the random
   * draws, so that a request is refused before it is queued rather than failing in its worker. Each side
   * of a rectangular image is checked on its own.
   *
   * @return the smallest side the transforms can give for that side (before any fit to the model)
   */
  public static int checkFits(List<TransformSpec> specs, int size) {
    double smallest = size;
    for (TransformSpec spec : specs) {
      if (spec instanceof TransformSpec.Pad p) {
        smallest += 2.0 * p.width();
      } else if (spec instanceof TransformSpec.Jitter j) {
        if (smallest <= j.pixels()) {
          throw new IllegalArgumentException("jitter " + j.pixels() + " needs an image larger than " + j.pixels()
              + " pixels at that point, but it can be " + (int) smallest + "; lower the jitter or render a larger image");
        }
        smallest -= j.pixels();
      } else if (spec instanceof TransformSpec.RandomScale r) {
        float factor = (float) r.factors().stream().mapToDouble(Double::doubleValue).min().orElse(1);
        // In float, as the graph computes it, so that the size is the one the model will see.
        smallest = Math.max(1, (int) ((float) smallest * factor + 0.5f));
      }
    }
    return (int) smallest;
  }
}
