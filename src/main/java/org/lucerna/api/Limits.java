package org.lucerna.api;

/** Bounds on a request, sized for one render on a GPU pod: what a user may ask before being refused. */
final class Limits {
  static final int MIN_SIZE = 8;
  static final int MAX_SIZE = 1024;
  static final int MAX_STEPS = 10_000;
  static final int MAX_SNAPSHOTS = 64;
  static final int MAX_BATCH = 16;

  static final int DEFAULT_SIZE = 128;
  static final int DEFAULT_STEPS = 512;
  static final double DEFAULT_LEARNING_RATE = 0.05;

  private Limits() {}
}
