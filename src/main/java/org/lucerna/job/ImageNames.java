package org.lucerna.job;

/**
 * The names images are stored under: one per batch element, for the final image and each snapshot.
 */
public final class ImageNames {
  private ImageNames() {}

  public static String finalImage(int batchElement) {
    return "final-" + batchElement;
  }

  /** All elements of the final batch side by side. */
  public static final String GRID = "grid";

  /**
   * The picture the job starts from, as uploaded (PNG or JPEG bytes, whatever the store's file
   * suffix says); see {@link StartImageRef}.
   */
  public static final String START = "start";

  /** The final image with its transparency map as alpha (RGBA). */
  public static String alpha(int batchElement) {
    return "alpha-" + batchElement;
  }

  /** The transparency map alone (grayscale). */
  public static String attribution(int batchElement) {
    return "attribution-" + batchElement;
  }

  /**
   * A CPPN's final parameters (float32, little-endian), from which the image can be drawn again at
   * another size; not a PNG.
   */
  public static String parameters(int batchElement) {
    return "parameters-" + batchElement;
  }

  /** The final image drawn again {@code scale} times larger (a CPPN's), kept once drawn. */
  public static String scaled(int batchElement, int scale) {
    return "final-" + batchElement + "-x" + scale;
  }

  public static String of(int step, int batchElement) {
    return "step-" + step + "-" + batchElement;
  }
}
