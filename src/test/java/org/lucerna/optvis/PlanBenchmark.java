package org.lucerna.optvis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Measures what a plan costs on top of the model: seconds per step of the full plan
 * (parametrization, transforms, model, objective, gradient, Adam) against the bare model's forward
 * and backward pass to the same tensor (the layer, or the concatenated input the plan reads) at the
 * size the model runs at, and the time until the first step of a render starts on a new plan
 * (building it included) and on a reused one. Not a test: run it as the README says. Its last line
 * is {@code key=value} pairs.
 *
 * <p>The plan and the bare model take turns, {@code --rounds} rounds of {@code --steps} timed steps
 * each after {@value #WARM_UP} untimed ones, so that the machine's drift (this one is shared and
 * varies by 10–15%) falls on both alike; the ratio is the median of the rounds' ratios, the seconds
 * per step the medians of all timed steps.
 *
 * <p>Arguments: {@code --root models --model inception_v3 --layer mixed4 --size 224 --steps 20
 * --rounds 5}; without {@code --model}, the built-in tiny CNN. With {@code --redirected-relu true}
 * it also times a plan with the redirected ReLU gradient, during its redirected steps and after
 * them, and adds {@code redirected_s_per_step} and {@code after_redirect_s_per_step} to the last
 * line. With {@code --unfolded true} it also times the bare pass on the model prepared without
 * batch-norm folding, and adds {@code bare_folded_s_per_step}, {@code bare_unfolded_s_per_step} and
 * {@code fold_speedup}. The plan reads a concatenated layer through the one input that holds the
 * channel, as the service's plans do ({@link PlanSpec#readingConcatInputs}); then it also times the
 * plan that reads the whole layer and adds {@code whole_layer_plan_s_per_step} and {@code
 * concat_input_speedup}; {@code --concat-inputs false} times the whole-layer plan only.
 */
public final class PlanBenchmark {
  private static final int WARM_UP = 3;

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int size = Integer.parseInt(a.getOrDefault("size", "224"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "20"));
    PreparedModel model;
    if (a.containsKey("model")) {
      ModelRegistry registry =
          new ModelRegistry(new ModelRepository(Path.of(a.getOrDefault("root", "models"))));
      model = registry.get(a.get("model"), OptionalLong.empty());
    } else {
      model = TestModels.tinyCnn();
    }
    String layer = a.getOrDefault("layer", a.containsKey("model") ? "mixed4" : "conv3");
    Objective objective = Objectives.channel(layer, 0);
    System.out.printf(
        Locale.ROOT,
        "model %s, layer %s, %d px, %d steps, TF_ENABLE_ONEDNN_OPTS=%s%n",
        model.id(),
        layer,
        size,
        steps,
        System.getenv("TF_ENABLE_ONEDNN_OPTS"));

    // The model runs at its fixed input size when it has one: the plan resizes the image to it.
    int modelSize = model.input().height() > 0 ? (int) model.input().height() : size;
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
    PlanSpec whole = PlanSpec.of(size, size, 1, objective).withTransforms(Transforms.standard());
    // As the service renders it: a concatenation read through the input that holds the channel.
    PlanSpec spec =
        Boolean.parseBoolean(a.getOrDefault("concat-inputs", "true"))
            ? whole.readingConcatInputs(model, objective)
            : whole;
    boolean narrowed = !spec.equals(whole);
    boolean redirect = Boolean.parseBoolean(a.getOrDefault("redirected-relu", "false"));
    try (PlanCache cache = new PlanCache(2, ExecutionOptions.CPU_DEFAULT);
        BareModel bare = new BareModel(model, read(model, spec, layer), modelSize)) {
      FirstStep first = new FirstStep();
      Plan plan = cache.get(model, spec);
      plan.render(objective, new RenderSettings(1, 1), first);
      double firstNewMs = (first.at - first.start) / 1e6;

      FirstStep reused = new FirstStep();
      Objective other = Objectives.channel(layer, 1);
      Plan again = cache.get(model, spec.withTransforms(Transforms.standard()));
      again.render(other, new RenderSettings(1, 2), reused);
      double firstReusedMs = (reused.at - reused.start) / 1e6;

      List<Double> planSteps = new ArrayList<>();
      List<Double> bareSteps = new ArrayList<>();
      List<Double> wholeSteps = new ArrayList<>();
      double[] ratios = new double[rounds];
      Plan wholePlan = narrowed ? cache.get(model, whole) : null;
      for (int r = 0; r < rounds; r++) {
        // After a switch, the first steps of either side run on caches the other side filled: not
        // timed.
        bare.seconds(WARM_UP);
        double[] b = bare.seconds(steps);
        StepTimer timer = new StepTimer();
        again.render(objective, new RenderSettings(WARM_UP + steps, 3 + r), timer);
        double[] p = timer.seconds(WARM_UP, WARM_UP + steps);
        ratios[r] = median(p) / median(b);
        if (wholePlan != null) {
          Arrays.stream(timed(wholePlan, objective, steps)).forEach(wholeSteps::add);
        }
        Arrays.stream(b).forEach(bareSteps::add);
        Arrays.stream(p).forEach(planSteps::add);
      }
      double planPerStep = median(planSteps.stream().mapToDouble(Double::doubleValue).toArray());
      double barePerStep = median(bareSteps.stream().mapToDouble(Double::doubleValue).toArray());
      double ratio = median(ratios);

      System.out.printf(
          Locale.ROOT,
          "plan %.4f s/step (%d px, standard transforms, model at %d px), bare model"
              + " %.4f s/step at %d px, ratio per round %s; time to the start of the first step: new plan %.0f ms,"
              + " reused plan %.1f ms (plans built: %d)%n",
          planPerStep,
          size,
          modelSize,
          barePerStep,
          modelSize,
          Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 1000) / 1000.0).toArray()),
          firstNewMs,
          firstReusedMs,
          cache.builds());
      String extra = "";
      if (narrowed) {
        double w = median(wholeSteps.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf(
            Locale.ROOT,
            "plan reading %s of %s: %.4f s/step; reading the whole layer: %.4f s/step%n",
            spec.concatInputs(),
            layer,
            planPerStep,
            w);
        extra +=
            String.format(
                Locale.ROOT,
                " whole_layer_plan_s_per_step=%.4f concat_input_speedup=%.3f",
                w,
                w / planPerStep);
      }
      if (a.containsKey("model") && Boolean.parseBoolean(a.getOrDefault("unfolded", "false"))) {
        // The same bare pass on the model prepared without batch-norm folding, interleaved with
        // the folded one so that the machine's drift falls on both.
        PreparedModel unfolded =
            org.lucerna.model.UnfoldedModels.load(
                Path.of(a.getOrDefault("root", "models")), a.get("model"), model.id().version());
        List<Double> foldedSteps = new ArrayList<>();
        List<Double> unfoldedSteps = new ArrayList<>();
        try (BareModel u = new BareModel(unfolded, read(unfolded, spec, layer), modelSize)) {
          for (int r = 0; r < rounds; r++) {
            u.seconds(WARM_UP);
            Arrays.stream(u.seconds(steps)).forEach(unfoldedSteps::add);
            bare.seconds(WARM_UP);
            Arrays.stream(bare.seconds(steps)).forEach(foldedSteps::add);
          }
        }
        double f = median(foldedSteps.stream().mapToDouble(Double::doubleValue).toArray());
        double uf = median(unfoldedSteps.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf(
            Locale.ROOT,
            "bare model, batch norm folded: %.4f s/step; unfolded: %.4f s/step%n",
            f,
            uf);
        extra +=
            String.format(
                Locale.ROOT,
                " bare_folded_s_per_step=%.4f bare_unfolded_s_per_step=%.4f fold_speedup=%.3f",
                f,
                uf,
                uf / f);
      }
      if (redirect) {
        StepTimer r = new StepTimer();
        cache
            .get(model, spec.withRedirectedRelu(true))
            .render(objective, new RenderSettings(Plan.REDIRECTED_STEPS + steps, 3), r);
        double during = median(r.seconds(3, Plan.REDIRECTED_STEPS));
        double after = median(r.seconds(Plan.REDIRECTED_STEPS, Plan.REDIRECTED_STEPS + steps));
        double plainNow = median(timed(again, objective, steps));
        System.out.printf(
            Locale.ROOT,
            "redirected ReLU plan: %.4f s/step during its %d redirected steps, %.4f s/step"
                + " after them; the plain plan right after: %.4f s/step%n",
            during,
            Plan.REDIRECTED_STEPS,
            after,
            plainNow);
        extra +=
            String.format(
                Locale.ROOT,
                " redirected_s_per_step=%.4f after_redirect_s_per_step=%.4f"
                    + " plain_s_per_step_then=%.4f",
                during,
                after,
                plainNow);
      }
      System.out.printf(
          Locale.ROOT,
          "plan_s_per_step=%.4f bare_s_per_step=%.4f overhead_ratio=%.3f"
              + " first_step_new_ms=%.0f first_step_reused_ms=%.1f%s%n",
          planPerStep,
          barePerStep,
          ratio,
          firstNewMs,
          firstReusedMs,
          extra);
    }
  }

  /** The tensor the plan reads for {@code layer}: the layer's, or the concatenated input's. */
  private static String read(PreparedModel model, PlanSpec spec, String layer) {
    LayerInfo info = model.layers().get(layer);
    Integer input = spec.concatInputs().get(layer);
    return input == null ? info.output() : model.concatInputs(info).get(input).output();
  }

  private static double[] timed(Plan plan, Objective objective, int steps) {
    StepTimer timer = new StepTimer();
    plan.render(objective, new RenderSettings(WARM_UP + steps, 9), timer);
    return timer.seconds(WARM_UP, WARM_UP + steps);
  }

  private static double median(double[] values) {
    double[] d = values.clone();
    Arrays.sort(d);
    return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
  }

  /** When the first step is about to run: the render asks whether to stop just before it. */
  private static final class FirstStep implements RenderListener {
    final long start = System.nanoTime();
    long at;

    @Override
    public boolean stopRequested() {
      if (at == 0) {
        at = System.nanoTime();
      }
      return false;
    }
  }

  /** Times between step callbacks. */
  private static final class StepTimer implements RenderListener {
    private final List<Long> times = new ArrayList<>();

    StepTimer() {
      times.add(System.nanoTime());
    }

    @Override
    public void onStep(int step, int totalSteps, double objective) {
      times.add(System.nanoTime());
    }

    /** The durations of steps {@code from + 1} to {@code to}, in seconds. */
    double[] seconds(int from, int to) {
      double[] d = new double[to - from];
      for (int i = from; i < to; i++) {
        d[i - from] = (times.get(i + 1) - times.get(i)) / 1e9;
      }
      return d;
    }
  }

  /**
   * The model alone: forward to the tensor the plan reads and the gradient of its mean with respect
   * to the input.
   */
  static final class BareModel implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final TFloat32 image;
    private final Output<TFloat32> input;
    private final Output<?> grad;

    @SuppressWarnings("unchecked")
    BareModel(PreparedModel model, String output, int size) {
      graph.importGraphDef(model.graph(), "model");
      Ops tf = Ops.create(graph);
      input = (Output<TFloat32>) graph.outputOrThrow("model/" + model.input().node());
      Output<TFloat32> act = (Output<TFloat32>) graph.outputOrThrow("model/" + output);
      Operand<TFloat32> loss =
          tf.math.mean(tf.reshape(act, tf.constant(new int[] {-1})), tf.constant(0));
      grad = graph.addGradients(loss.asOutput(), new Output<?>[] {input})[0];
      float[] pixels = new float[size * size * 3];
      SplittableRandom random = new SplittableRandom(1);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) random.nextDouble();
      }
      session = new Session(graph);
      image = TFloat32.tensorOf(Shape.of(1, size, size, 3), DataBuffers.of(pixels, true, false));
    }

    /** The durations of {@code steps} forward and backward passes, in seconds. */
    double[] seconds(int steps) {
      double[] d = new double[steps];
      for (int i = 0; i < steps; i++) {
        long t = System.nanoTime();
        try (Result r = session.runner().feed(input, image).fetch(grad).run()) {
          d[i] = (System.nanoTime() - t) / 1e9;
        }
      }
      return d;
    }

    @Override
    public void close() {
      image.close();
      session.close();
      graph.close();
    }
  }
}
