package org.lucerna.job;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.lucerna.model.ModelId;
import org.lucerna.optvis.Device;
import org.lucerna.optvis.PlanSpec;

/**
 * Where the workers' warm-up is, as the started probe reads it: done once every worker has run its
 * step.
 *
 * @param model the model the workers warm (the default model)
 * @param workers one entry per worker, in the order they started; empty before the pool starts
 */
public record WarmupState(String model, List<Worker> workers) {

  public WarmupState {
    workers = List.copyOf(workers);
  }

  /**
   * One worker's warm-up.
   *
   * @param warmed what its step was, once it ran; else null
   * @param lastFailure why the last attempt failed, or null
   */
  public record Worker(
      String name, Device device, Warmed warmed, String lastFailure, int attempts) {}

  /**
   * A warm-up step that ran.
   *
   * @param plan the structure of the render, which the worker's plan cache now holds
   * @param load the model load (near zero when a job or another worker loaded it first)
   * @param firstPlan building the plan and running its steps
   * @param steps the steps the render reported
   */
  public record Warmed(
      ModelId model, PlanSpec plan, Duration load, Duration firstPlan, int steps) {}

  public boolean done() {
    return !workers.isEmpty() && workers.stream().allMatch(w -> w.warmed() != null);
  }

  /** The most attempts any worker has made. */
  public int attempts() {
    return workers.stream().mapToInt(Worker::attempts).max().orElse(0);
  }

  /** Why a worker that is not warm yet failed last, if one did. */
  public Optional<String> lastFailure() {
    return workers.stream()
        .filter(w -> w.warmed() == null)
        .map(Worker::lastFailure)
        .filter(f -> f != null)
        .findFirst();
  }

  /** The warm-up that took longest, load and plan together: what the service waited for. */
  public Optional<Warmed> slowest() {
    return workers.stream()
        .map(Worker::warmed)
        .filter(w -> w != null)
        .max(Comparator.comparing(w -> w.load().plus(w.firstPlan())));
  }
}
