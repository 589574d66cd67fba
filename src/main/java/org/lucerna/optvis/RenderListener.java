package org.lucerna.optvis;

/**
 * Watches a render without the loop knowing who watches: the job service, a benchmark, a test.
 * Every method has a default that does nothing.
 */
public interface RenderListener {

  RenderListener NONE = new RenderListener() {};

  /**
   * After each optimization step; {@code objective} is the total over the batch before the update.
   */
  default void onStep(int step, int totalSteps, double objective) {}

  /** When the image after {@code step} was asked for as a snapshot. */
  default void onSnapshot(int step, ImageBatch image) {}

  /**
   * Asked before every step: true stops the render, which then throws {@link
   * RenderCancelledException}.
   */
  default boolean stopRequested() {
    return false;
  }
}
