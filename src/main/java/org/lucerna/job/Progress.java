package org.lucerna.job;

/**
 * How far a job has come.
 *
 * @param objective the objective at the last step done, null before the first
 */
public record Progress(int step, int totalSteps, Double objective) {

  public static Progress start(int totalSteps) {
    return new Progress(0, totalSteps, null);
  }
}
