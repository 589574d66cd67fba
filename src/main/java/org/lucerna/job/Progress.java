package org.lucerna.job;

import java.util.List;

/**
 * How far a job has come.
 *
 * @param objective the objective at the last step done, null before the first
 * @param stepsPerSecond the rate over the render so far, null before the first step
 * @param snapshots the snapshot steps whose images are stored, ascending
 */
public record Progress(
    int step, int totalSteps, Double objective, Double stepsPerSecond, List<Integer> snapshots) {

  public Progress {
    snapshots = List.copyOf(snapshots);
  }

  public static Progress start(int totalSteps) {
    return new Progress(0, totalSteps, null, null, List.of());
  }

  public Progress withSnapshot(int step) {
    List<Integer> more = new java.util.ArrayList<>(snapshots);
    more.add(step);
    return new Progress(this.step, totalSteps, objective, stepsPerSecond, more);
  }
}
