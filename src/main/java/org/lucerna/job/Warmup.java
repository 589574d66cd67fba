package org.lucerna.job;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.Device;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanCache;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.transform.Transforms;

/**
 * One worker's warm-up: a step of the default model's standard recipe on the worker's own device
 * and into its own plan cache, run on the worker's thread before it takes its first job. It pays
 * what the first job would (loading and freezing the model, TensorFlow's first session, on a GPU
 * the CUDA context), and a first job of the recipe then finds its plan built. A failed attempt (a
 * model repository on a volume mounted late) is tried again between jobs; jobs run meanwhile.
 */
final class Warmup {
  private static final Logger LOG = Logger.getLogger(Warmup.class);
  static final Duration RETRY = Duration.ofSeconds(10);
  // The recipe of a request that names only its objective: the request's default size, one image,
  // Lucid's
  // standard transforms, the default parametrization and fit.
  static final int SIZE = Limits.DEFAULT_SIZE;

  private final String worker;
  private final Device device;
  private final Supplier<String> model;
  private final String layer;
  private final Consumer<WarmupState.Warmed> onWarmed;
  private volatile WarmupState.Worker status;
  private long nextAttempt = System.nanoTime();

  /**
   * @param model the model to warm, asked at each attempt (the default model may appear later)
   * @param onWarmed told once, on the worker's thread, when the step ran
   */
  Warmup(
      String worker,
      Device device,
      Supplier<String> model,
      String layer,
      Consumer<WarmupState.Warmed> onWarmed) {
    this.worker = worker;
    this.layer = layer;
    this.device = device;
    this.model = model;
    this.onWarmed = onWarmed;
    this.status = new WarmupState.Worker(worker, device, null, null, 0);
  }

  WarmupState.Worker status() {
    return status;
  }

  /**
   * The channel of the recipe: channel 0 of {@code layer} (the configured warm-up layer) when the
   * model has it, else of the model's first layer. A job on any channel of that layer, at the
   * default size with the standard transforms, then finds its plan built: the channel is fed, not
   * part of the plan.
   */
  static Objective objective(PreparedModel model, String layer) {
    if (layer != null && !layer.isBlank() && model.layers().contains(layer)) {
      return Objectives.channel(layer, 0);
    }
    List<LayerInfo> layers = List.copyOf(model.layers().all());
    if (layers.isEmpty()) {
      throw new ModelException.Unusable(
          "model " + model.id() + " has no layer an objective can name");
    }
    return Objectives.channel(layers.get(0).name(), 0);
  }

  /** The plan a request for {@code objective} with every other field left out renders on. */
  static PlanSpec recipe(Objective objective) {
    return PlanSpec.of(SIZE, SIZE, 1, objective).withTransforms(Transforms.standard());
  }

  /** Runs the step, on the worker's thread, unless it ran already or the last failure is recent. */
  void runIfDue(ModelRegistry models, PlanCache plans) {
    WarmupState.Worker s = status;
    if (s.warmed() != null || System.nanoTime() - nextAttempt < 0) {
      return;
    }
    int attempt = s.attempts() + 1;
    try {
      WarmupState.Warmed warmed = run(models, plans);
      status = new WarmupState.Worker(worker, device, warmed, null, attempt);
      LOG.infof(
          "%s warmed %s on %s: load %d ms, first plan %d ms",
          worker, warmed.model(), device, warmed.load().toMillis(), warmed.firstPlan().toMillis());
      onWarmed.accept(warmed);
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      status = new WarmupState.Worker(worker, device, null, reason, attempt);
      nextAttempt = System.nanoTime() + RETRY.toNanos();
      LOG.warnf(
          "%s: warm-up of model %s failed (attempt %d), retrying in %d s: %s",
          worker, model.get(), attempt, RETRY.toSeconds(), reason);
    }
  }

  private WarmupState.Warmed run(ModelRegistry models, PlanCache plans) {
    long start = System.nanoTime();
    PreparedModel prepared = models.get(model.get(), OptionalLong.empty());
    long loaded = System.nanoTime();
    Objective objective = objective(prepared, layer);
    PlanSpec spec = recipe(objective).readingConcatInputs(prepared, objective);
    int[] steps = {0};
    try {
      Plan plan = plans.get(prepared, spec);
      plan.render(
          objective,
          new RenderSettings(1, 0),
          new RenderListener() {
            @Override
            public void onStep(int step, int totalSteps, double value) {
              steps[0] = step;
            }
          });
    } catch (RuntimeException e) {
      plans.discard(prepared, spec); // as after a failed job: its session is no longer trusted
      throw e;
    }
    return new WarmupState.Warmed(
        prepared.id(),
        spec,
        Duration.ofNanos(loaded - start),
        Duration.ofNanos(System.nanoTime() - loaded),
        steps[0]);
  }
}
