package org.lucerna.optvis;

/** The structural limits of the request format, which keep a request's size and a plan's graph bounded. */
public final class FormatLimits {
  private FormatLimits() {}

  /** Terms of one objective. */
  public static final int MAX_TERMS = 32;

  /** Values of one vector of an objective term: one per channel of the layer it reads. */
  public static final int MAX_VECTOR_VALUES = 1 << 14;

  /** Rows of a term's weights: one per batch element, or one for all. */
  public static final int MAX_WEIGHT_ROWS = 64;
}
