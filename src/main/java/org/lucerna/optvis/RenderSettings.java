package org.lucerna.optvis;

import java.util.List;

/**
 * What varies between renders that share one {@link Plan}: fed to the graph, never built into it.
 *
 * @param snapshots the steps after which the image is also kept, ascending
 */
public record RenderSettings(int steps, long seed, double learningRate, List<Integer> snapshots) {

  public RenderSettings {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    snapshots = snapshots.stream().distinct().sorted().toList();
  }

  public RenderSettings(int steps, long seed) {
    this(steps, seed, 0.05, List.of());
  }
}
