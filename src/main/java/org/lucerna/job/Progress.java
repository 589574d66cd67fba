package org.lucerna.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a job has come.
 *
 * @param objective the objective at the last step done, null before the first
 * @param stepsPerSecond the rate over the render so far, null before the first step
 * @param snapshots the snapshot steps whose images are stored, ascending
 * @param curve the objective at sampled steps, steps ascending ({@link CurveSampler}: every step of
 *     a job of up to {@value CurveSampler#MAX_POINTS} steps, at most that many points for a longer
 *     one, always the last step written); empty before the first step. A job stored before curves
 *     were recorded reads with an empty one.
 */
public record Progress(
    int step,
    int totalSteps,
    Double objective,
    Double stepsPerSecond,
    List<Integer> snapshots,
    // Left out of the stored form while empty, so that a job stored before curves (or not yet
    // started) writes back byte for byte as it was stored.
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<CurvePoint> curve) {

  public Progress {
    snapshots = List.copyOf(snapshots);
    curve = curve == null ? List.of() : List.copyOf(curve);
  }

  /** Progress without a curve. */
  public Progress(
      int step, int totalSteps, Double objective, Double stepsPerSecond, List<Integer> snapshots) {
    this(step, totalSteps, objective, stepsPerSecond, snapshots, List.of());
  }

  public static Progress start(int totalSteps) {
    return new Progress(0, totalSteps, null, null, List.of(), List.of());
  }

  public Progress withSnapshot(int step) {
    List<Integer> more = new ArrayList<>(snapshots);
    more.add(step);
    return new Progress(this.step, totalSteps, objective, stepsPerSecond, more, curve);
  }

  /** This progress with {@code kept} as its snapshots: a writer keeps what the store recorded. */
  public Progress withSnapshots(List<Integer> kept) {
    return new Progress(step, totalSteps, objective, stepsPerSecond, kept, curve);
  }
}
