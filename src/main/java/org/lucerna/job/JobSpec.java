package org.lucerna.job;

import java.util.List;
import org.lucerna.optvis.Objective;

/**
 * A render request in its normalized form: every default filled in, as the job document shows it. It
 * is a value that can be stored and sent to another instance; nothing in it refers to this process.
 */
public record JobSpec(
    String model,
    long version,
    Objective objective,
    int size,
    int batch,
    int steps,
    long seed,
    double learningRate,
    List<Integer> snapshots) {

  public JobSpec {
    snapshots = List.copyOf(snapshots);
  }
}
