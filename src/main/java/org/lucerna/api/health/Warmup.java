package org.lucerna.api.health;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelId;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderSettings;

/**
 * Loads a model and runs one step of a small plan on a worker's device: what the first job would
 * otherwise pay for (freezing the SavedModel, TensorFlow's first session, on a GPU the CUDA context).
 */
final class Warmup {
  // Small enough to cost little on a CPU, large enough for the pooling layers of a typical CNN.
  private static final int SIZE = 32;

  private final ModelRegistry models;
  private final String model;
  private final ExecutionOptions execution;

  Warmup(ModelRegistry models, String model, ExecutionOptions execution) {
    this.models = models;
    this.model = model;
    this.execution = execution;
  }

  /** What a warm-up took: the model load (near zero when a job loaded it first) and the first plan. */
  record Warmed(ModelId model, Duration load, Duration firstPlan) {}

  /**
   * @throws ModelException when the model is missing or cannot be loaded
   * @throws RuntimeException when TensorFlow cannot build or run the plan on the device
   */
  Warmed run() {
    long start = System.nanoTime();
    PreparedModel prepared = models.get(model, OptionalLong.empty());
    long loaded = System.nanoTime();
    Objective objective = firstChannel(prepared);
    int height = prepared.input().height() > 0 ? (int) prepared.input().height() : SIZE;
    int width = prepared.input().width() > 0 ? (int) prepared.input().width() : SIZE;
    try (Plan plan = Plan.build(prepared, PlanSpec.of(height, width, 1, objective), execution)) {
      plan.render(objective, new RenderSettings(1, 0), new RenderListener() {});
    }
    return new Warmed(prepared.id(), Duration.ofNanos(loaded - start),
        Duration.ofNanos(System.nanoTime() - loaded));
  }

  private Objective firstChannel(PreparedModel prepared) {
    List<LayerInfo> layers = List.copyOf(prepared.layers().all());
    if (layers.isEmpty()) {
      throw new ModelException.Unusable("model " + prepared.id() + " has no layer an objective can name");
    }
    return Objectives.channel(layers.get(0).name(), 0);
  }
}
