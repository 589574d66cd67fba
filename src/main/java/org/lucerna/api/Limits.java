package org.lucerna.api;

/**
 * The fixed bounds and defaults of a request; the bounds that a deployment may change are in
 * {@link LimitsConfig}.
 */
final class Limits {
  /** Below this, the standard transforms leave nothing to render. */
  static final int MIN_SIZE = 8;

  static final int DEFAULT_SIZE = 128;
  static final int DEFAULT_STEPS = 512;
  static final double DEFAULT_LEARNING_RATE = 0.05;

  private Limits() {}
}
