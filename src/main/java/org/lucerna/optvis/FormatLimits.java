package org.lucerna.optvis;

/**
 * Bounds of the render format itself, the same on every deployment (what a deployment may allow,
 * such as image size or steps, is configured elsewhere).
 */
public final class FormatLimits {
  /** Transforms in one list. */
  public static final int MAX_TRANSFORMS = 16;

  /** Largest pad or jitter, in pixels. */
  public static final int MAX_TRANSFORM_PIXELS = 1024;

  /**
   * Largest side, in pixels, that any step of the transforms may make (a pad, a scale). The
   * rotation indexes pixels in float, exact for integers up to 2²⁴ = 4096·4096; and an image four
   * times the largest request size is already more than a model's features need.
   */
  public static final int MAX_TRANSFORMED_SIDE = 4096;

  /** Largest random scale factor. */
  public static final double MAX_SCALE = 4;

  /** Values a random scale or rotation draws from. */
  public static final int MAX_DRAWS = 64;

  /**
   * Largest Fourier decay; beyond it the highest frequencies get factors below 1e-30 and never
   * move.
   */
  public static final double MAX_DECAY = 10;

  /** Largest gain inside the sigmoid. */
  public static final double MAX_GAIN = 1000;

  /** Model inputs one image becomes through crops. */
  public static final int MAX_CROPS = 64;

  /** Terms of one objective. */
  public static final int MAX_TERMS = 32;

  /** Values of one vector of an objective term: one per channel of the layer it reads. */
  public static final int MAX_VECTOR_VALUES = 1 << 14;

  /** Rows of a term's weights: one per batch element, or one for all. */
  public static final int MAX_WEIGHT_ROWS = 64;

  /** Largest factor a finished CPPN render is drawn again at. */
  public static final int MAX_DRAWING_SCALE = 8;

  /**
   * Largest side, in pixels, of a render drawn again larger: as large as the transforms may make, a
   * 4096×4096 PNG of 48 MB in memory before it is encoded.
   */
  public static final int MAX_DRAWN_SIDE = MAX_TRANSFORMED_SIDE;
}
