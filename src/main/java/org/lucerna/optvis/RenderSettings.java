package org.lucerna.optvis;

import java.util.List;

/**
 * What varies between renders that share one {@link Plan}: fed to the graph, never built into it.
 *
 * @param snapshots the steps after which the image is also kept, ascending
 * @param startImage the image to start from, or null to start from noise drawn from the seed
 */
public record RenderSettings(
    int steps, long seed, double learningRate, List<Integer> snapshots, ImageBatch startImage) {

  public RenderSettings {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, got " + steps);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    snapshots = snapshots.stream().distinct().sorted().toList();
  }

  public RenderSettings(int steps, long seed, double learningRate, List<Integer> snapshots) {
    this(steps, seed, learningRate, snapshots, null);
  }

  public RenderSettings(int steps, long seed) {
    this(steps, seed, 0.05, List.of());
  }

  /** These settings, starting from {@code image} instead of the seed's noise. */
  public RenderSettings withStartImage(ImageBatch image) {
    return new RenderSettings(steps, seed, learningRate, snapshots, image);
  }
}
