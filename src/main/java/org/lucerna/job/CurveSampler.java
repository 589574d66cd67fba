package org.lucerna.job;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects a render's objective curve as it runs, on the render thread (memory only). A render of
 * up to {@value #MAX_POINTS} steps keeps every step; a longer one keeps step 1, every {@code
 * stride}-th step and the last step seen, with the stride chosen so that the curve never holds more
 * than {@value #MAX_POINTS} points, whatever the length: a job document stays small and a progress
 * write stays cheap.
 */
final class CurveSampler {
  static final int MAX_POINTS = 128;

  private final int stride;
  private final List<CurvePoint> kept = new ArrayList<>();
  // The last step seen when it is not one the stride keeps; replaced by the next step.
  private CurvePoint last;

  CurveSampler(int totalSteps) {
    // Step 1, floor(total / stride) multiples of the stride and one last step: at most 128.
    this.stride = totalSteps <= MAX_POINTS ? 1 : (totalSteps + MAX_POINTS - 3) / (MAX_POINTS - 2);
  }

  void add(int step, double objective) {
    CurvePoint p = new CurvePoint(step, objective);
    if (step == 1 || step % stride == 0) {
      kept.add(p);
      last = null;
    } else {
      last = p;
    }
  }

  /** The curve so far, ending at the last step seen. */
  List<CurvePoint> points() {
    if (last == null) {
      return List.copyOf(kept);
    }
    List<CurvePoint> all = new ArrayList<>(kept.size() + 1);
    all.addAll(kept);
    all.add(last);
    return List.copyOf(all);
  }
}
