package org.lucerna.optvis;

import java.util.Map;

/**
 * What a render produced.
 *
 * @param objectives the total objective at each step, before that step's update
 */
public record RenderResult(
    ImageBatch image, Map<Integer, ImageBatch> snapshots, double[] objectives) {

  public double firstObjective() {
    return objectives[0];
  }

  public double lastObjective() {
    return objectives[objectives.length - 1];
  }
}
