package org.lucerna.optvis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lucerna.model.ConcatInput;
import org.lucerna.model.InputSpec;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.ModelMetadata;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ImageParametrization;
import org.lucerna.optvis.term.ChannelSpan;
import org.lucerna.optvis.term.TermGraph;
import org.lucerna.optvis.transform.TransformPipeline;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * One compiled render graph and its session: parameters → image → random transforms → model →
 * objective → gradient → Adam update, run with one {@code Session.run} per step. The objective's
 * weights and arguments, the seed, the learning rate and Adam's bias corrections are fed, so one
 * plan serves every render of its {@link PlanSpec}.
 *
 * <p>The graph is built in fixed stages, then copied with every node placed on the plan's device
 * (the gradient ops TensorFlow adds carry no device, and would otherwise land on the first GPU).
 * Ops are therefore fed and fetched by name. A plan is used by one thread at a time; {@link
 * #close()} is safe to call twice.
 */
public final class Plan implements AutoCloseable {
  private static final String SCOPE = "lucerna";
  private static final String MODEL_PREFIX = "model";
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;

  /**
   * Mixed into the seed for the transforms' draws, so they do not repeat the initial values' draws.
   */
  private static final long TRANSFORM_SEED_SALT = 0x7F4A7C15L;

  private static final float NADAM_EPSILON = 1e-7f;
  private static final double NADAM_MOMENTUM_DECAY = 0.96;

  /** Steps that use the redirected ReLU gradient when the spec asks for it, as in Lucid. */
  public static final int REDIRECTED_STEPS = 16;

  private final PlanSpec spec;
  private final int channels;
  private final ImageParametrization param;
  private final TransformPipeline transforms;
  private final ObjectiveGraph objectiveGraph;
  private final Graph graph;
  private final Session session;
  private final String initialParams;
  private final Update update;
  private final String init;
  private final String image;
  private final String total;
  private final String attribution;
  private final String paramsRead;

  /** The flag that switches the redirected ReLU gradient on, or null when the plan has none. */
  private final String redirectFlag;

  /** The layers read through one of their concatenated inputs ({@link PlanSpec#concatInputs}). */
  private final Map<String, NarrowedLayer> narrowed;

  private record NarrowedLayer(LayerInfo layer, ConcatInput input) {}

  private boolean closed;

  private Plan(PreparedModel model, PlanSpec spec, ExecutionOptions execution) {
    this.spec = spec;
    channels = imageChannels(model);
    param =
        ImageParametrization.of(spec.param(), spec.batch(), spec.height(), spec.width(), channels);
    narrowed = narrowed(model, spec);
    GraphDef placed;
    try (Graph building = new Graph()) {
      Ops tf = Ops.create(building).withSubScope(SCOPE);
      Parameters params = parameters(tf);
      Operand<TFloat32> img = param.image(tf, params.read());
      transforms = transforms(tf, img, model.input());
      redirectFlag = importModel(building, tf, transforms.output(), model, execution.device());
      Ops obj = tf.withSubScope("objective");
      objectiveGraph = objective(building, obj, model, img);
      Operand<TFloat32> objective = objectiveGraph.total();
      update = update(building, tf, obj, objective, img, params);

      initialParams = name(params.start());
      init = name(params.reset());
      image = name(img);
      total = name(objective);
      attribution = name(params.attribution());
      paramsRead = name(params.read());
      placed = placeAll(building.toGraphDef(), execution.device());
    }
    graph = new Graph();
    try {
      graph.importGraphDef(placed);
      session = new Session(graph, false, execution.toConfigProto());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  private static Map<String, NarrowedLayer> narrowed(PreparedModel model, PlanSpec spec) {
    Map<String, NarrowedLayer> out = new LinkedHashMap<>();
    spec.concatInputs()
        .forEach(
            (name, k) -> {
              LayerInfo layer = model.layers().get(name);
              List<ConcatInput> inputs = model.concatInputs(layer);
              if (k < 0 || k >= inputs.size()) {
                throw new IllegalArgumentException(
                    "layer '" + name + "' has no concatenated input " + k + " to read");
              }
              out.put(name, new NarrowedLayer(layer, inputs.get(k)));
            });
    return out;
  }

  private static int imageChannels(PreparedModel model) {
    model
        .unrenderable()
        .ifPresent(
            why -> {
              throw new IllegalArgumentException(why);
            });
    return model.input().channels();
  }

  /**
   * The trainable parameters, the optimizer's slots, the transparency map ({@code [B, H, W]}, the
   * sum over steps and channels of |∂loss/∂image|), and the op that resets them for a render.
   */
  private record Parameters(
      Variable<TFloat32> params,
      Variable<TFloat32> m,
      Variable<TFloat32> v,
      Variable<TFloat32> attribution,
      Placeholder<TFloat32> start,
      Op reset,
      Operand<TFloat32> read) {}

  /**
   * Stage 1. Gradients are taken with respect to {@code read}, a read of the variable, not its
   * reference.
   */
  private Parameters parameters(Ops tf) {
    Shape shape = param.parameterShape();
    Variable<TFloat32> params = tf.withName("params").variable(shape, TFloat32.class);
    Variable<TFloat32> m = tf.withName("adam_m").variable(shape, TFloat32.class);
    Variable<TFloat32> v = tf.withName("adam_v").variable(shape, TFloat32.class);
    Placeholder<TFloat32> start =
        tf.withName("initial_params").placeholder(TFloat32.class, Placeholder.shape(shape));
    Shape mapShape = Shape.of(spec.batch(), spec.height(), spec.width());
    Variable<TFloat32> attribution = tf.withName("attribution").variable(mapShape, TFloat32.class);
    Operand<TFloat32> zeros = tf.fill(tf.constant(shape.asArray()), tf.constant(0f));
    Op reset =
        tf.withControlDependencies(
                List.of(
                    tf.assign(params, start),
                    tf.assign(m, zeros),
                    tf.assign(v, zeros),
                    tf.assign(
                        attribution, tf.fill(tf.constant(mapShape.asArray()), tf.constant(0f)))))
            .withName("init")
            .noOp();
    return new Parameters(
        params, m, v, attribution, start, reset, tf.withName("params_read").identity(params));
  }

  /** Stage 2: the random transforms of the parametrized image. */
  private TransformPipeline transforms(Ops tf, Operand<TFloat32> img, InputSpec input) {
    return TransformPipeline.build(
        tf,
        img,
        spec.transforms(),
        (int) Math.max(0, input.height()),
        (int) Math.max(0, input.width()),
        spec.fit());
  }

  /**
   * Stage 3: the model, reading {@code transformed} in its own value range and channel order.
   *
   * @return the name of the redirected ReLU's flag, or null when the model has none
   */
  private String importModel(
      Graph building, Ops tf, Operand<TFloat32> transformed, PreparedModel model, Device device) {
    Operand<TFloat32> modelInput = toModelRange(tf, transformed, model.metadata(), channels);
    List<String> read = new ArrayList<>();
    for (TermGraph term : spec.terms()) {
      if (term.layer() != null) {
        NarrowedLayer n = narrowed.get(term.layer());
        read.add(n != null ? n.input().output() : model.layers().get(term.layer()).output());
      }
    }
    GraphDef needed = model.graphFor(read);
    GraphDef modelGraph = spec.redirectedRelu() ? RedirectedRelu.rewrite(needed) : needed;
    GraphImport.importMapped(
        building, modelGraph, MODEL_PREFIX, model.input().node(), modelInput.asOutput(), device);
    String flag = MODEL_PREFIX + "/" + RedirectedRelu.FLAG;
    return building.operation(flag) == null ? null : flag;
  }

  /** Stage 4: the objective, over the layers its terms read, each read once. */
  private ObjectiveGraph objective(
      Graph building, Ops obj, PreparedModel model, Operand<TFloat32> img) {
    Map<String, ObjectiveGraph.Layer> layers = new LinkedHashMap<>();
    for (TermGraph term : spec.terms()) {
      if (term.layer() != null && !layers.containsKey(term.layer())) {
        LayerInfo info = model.layers().get(term.layer());
        NarrowedLayer n = narrowed.get(term.layer());
        layers.put(
            term.layer(),
            new ObjectiveGraph.Layer(
                info,
                activations(
                    building,
                    obj,
                    info,
                    n == null ? null : n.input(),
                    spec.batch() * transforms.batchFactor())));
      }
    }
    return new ObjectiveGraph(
        obj, spec.terms(), spec.batch(), transforms.batchFactor(), layers, img);
  }

  /** The op a step runs (the optimizer's update and the transparency map's sum) and its feeds. */
  private record Update(String op, StepFeeder feeder) {}

  /** Feeds one step's optimizer inputs. */
  @FunctionalInterface
  private interface StepFeeder {
    void feed(Session.Runner runner, int step, double learningRate, List<Tensor> toClose);
  }

  /**
   * Stage 5: the one place the objective becomes a loss, its gradients (the parameters' and the
   * image's, taken together), the optimizer's update and the transparency map's sum.
   */
  private Update update(
      Graph building,
      Ops tf,
      Ops obj,
      Operand<TFloat32> objective,
      Operand<TFloat32> img,
      Parameters p) {
    Operand<TFloat32> loss = obj.withName("loss").math.neg(objective);
    Gradients grads = gradient(building, tf, loss, img, p.read(), spec.normalizeGradient());
    Ops a = tf.withSubScope("attribution");
    Op accumulate =
        a.assignAdd(
            p.attribution(), a.reduceSum(a.math.abs(grads.image()), a.constant(new int[] {3})));
    return switch (spec.optimizer()) {
      case ADAM -> adam(tf, p, grads.params(), accumulate);
      case NADAM -> nadam(tf, p, grads.params(), accumulate);
    };
  }

  /** TensorFlow's ApplyAdam, with the bias corrections fed. */
  private static Update adam(Ops tf, Parameters p, Operand<TFloat32> grad, Op accumulate) {
    Ops adam = tf.withSubScope("adam");
    Placeholder<TFloat32> lr = scalar(adam, "learning_rate");
    Placeholder<TFloat32> b1 = scalar(adam, "beta1_power");
    Placeholder<TFloat32> b2 = scalar(adam, "beta2_power");
    Op apply =
        adam.train.applyAdam(
            p.params(),
            p.m(),
            p.v(),
            b1,
            b2,
            lr,
            adam.constant((float) BETA1),
            adam.constant((float) BETA2),
            adam.constant(1e-8f),
            grad);
    Op step = adam.withControlDependencies(List.of(apply, accumulate)).withName("update").noOp();
    String lrName = name(lr);
    String b1Name = name(b1);
    String b2Name = name(b2);
    return new Update(
        name(step),
        (runner, t, learningRate, toClose) ->
            runner
                .feed(lrName, keep(toClose, TFloat32.scalarOf((float) learningRate)))
                .feed(b1Name, keep(toClose, TFloat32.scalarOf((float) Math.pow(BETA1, t))))
                .feed(b2Name, keep(toClose, TFloat32.scalarOf((float) Math.pow(BETA2, t)))));
  }

  /**
   * Keras's NAdam: {@code m ← m + (g − m)(1 − β₁)}, {@code v ← v + (g² − v)(1 − β₂)}, {@code x ← x
   * − (α·m + β·g) / (sqrt(γ·v) + ε)}, where the step's coefficients {@code α = lr·μ_{t+1}/(1 −
   * Π_{i≤t+1} μ_i)}, {@code β = lr·(1 − μ_t)/(1 − Π_{i≤t} μ_i)} and {@code γ = 1/(1 − β₂^t)} are
   * computed in Java and fed, with {@code μ_t = β₁(1 − 0.5·0.96^t)}.
   */
  private static Update nadam(Ops tf, Parameters p, Operand<TFloat32> grad, Op accumulate) {
    Ops n = tf.withSubScope("nadam");
    Placeholder<TFloat32> alpha = scalar(n, "momentum_coefficient");
    Placeholder<TFloat32> beta = scalar(n, "gradient_coefficient");
    Placeholder<TFloat32> gamma = scalar(n, "variance_correction");
    Operand<TFloat32> m =
        n.assign(
            p.m(),
            n.math.add(
                p.m(), n.math.mul(n.math.sub(grad, p.m()), n.constant((float) (1 - BETA1)))));
    Operand<TFloat32> v =
        n.assign(
            p.v(),
            n.math.add(
                p.v(),
                n.math.mul(
                    n.math.sub(n.math.square(grad), p.v()), n.constant((float) (1 - BETA2)))));
    Operand<TFloat32> direction =
        n.math.div(
            n.math.add(n.math.mul(alpha, m), n.math.mul(beta, grad)),
            n.math.add(n.math.sqrt(n.math.mul(gamma, v)), n.constant(NADAM_EPSILON)));
    Op apply = n.assignSub(p.params(), direction);
    Op step = n.withControlDependencies(List.of(apply, accumulate)).withName("update").noOp();
    String alphaName = name(alpha);
    String betaName = name(beta);
    String gammaName = name(gamma);
    return new Update(
        name(step),
        (runner, t, learningRate, toClose) -> {
          double[] c = nadamCoefficients(t, learningRate);
          runner
              .feed(alphaName, keep(toClose, TFloat32.scalarOf((float) c[0])))
              .feed(betaName, keep(toClose, TFloat32.scalarOf((float) c[1])))
              .feed(gammaName, keep(toClose, TFloat32.scalarOf((float) c[2])));
        });
  }

  /** {@code [α, β, γ]} of step {@code t} (from 1) of {@link #nadam}. */
  static double[] nadamCoefficients(int t, double learningRate) {
    double product = 1;
    for (int i = 1; i <= t; i++) {
      product *= momentum(i);
    }
    double next = momentum(t + 1);
    return new double[] {
      learningRate * next / (1 - product * next),
      learningRate * (1 - momentum(t)) / (1 - product),
      1 / (1 - Math.pow(BETA2, t))
    };
  }

  private static double momentum(int t) {
    return BETA1 * (1 - 0.5 * Math.pow(NADAM_MOMENTUM_DECAY, t));
  }

  private static Placeholder<TFloat32> scalar(Ops tf, String name) {
    return tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
  }

  /**
   * Feeds and fetches go by name: the plan runs a placed copy of the graph its ops were built in.
   */
  private static String name(Op op) {
    return op.op().name();
  }

  /** Builds the graph and session of {@code spec} on {@code model}. */
  public static Plan build(PreparedModel model, PlanSpec spec, ExecutionOptions execution) {
    return new Plan(model, spec, execution);
  }

  public PlanSpec spec() {
    return spec;
  }

  /** The graph, for inspection (tests check what it holds); do not add to it. */
  public Graph graph() {
    return graph;
  }

  private static GraphDef placeAll(GraphDef def, Device device) {
    String name =
        DeviceSpec.newBuilder()
            .deviceType(
                device.kind() == Device.Kind.GPU
                    ? DeviceSpec.DeviceType.GPU
                    : DeviceSpec.DeviceType.CPU)
            .deviceIndex(device.index())
            .build()
            .toString();
    GraphDef.Builder b = def.toBuilder();
    for (NodeDef.Builder n : b.getNodeBuilderList()) {
      if (n.getDevice().isEmpty()) {
        n.setDevice(name);
      }
    }
    return b.build();
  }

  /** Refuses an objective that reads channels outside the concatenated inputs this plan reads. */
  private void checkNarrowed(Objective objective) {
    for (Objective.Weighted w : objective.terms()) {
      NarrowedLayer n = narrowed.get(w.term().layer());
      if (n == null) {
        continue;
      }
      ChannelSpan span = w.term().channelsRead(n.layer());
      if (!span.within(n.input().offset(), n.input().channels())) {
        throw new IllegalArgumentException(
            "this plan reads only "
                + new ChannelSpan(n.input().offset(), n.input().offset() + n.input().channels())
                + " of layer '"
                + n.layer().name()
                + "' (one input of its concatenation); "
                + w.term().describe()
                + " reads "
                + span);
      }
    }
  }

  /**
   * The activations of {@code layer}, dense layers as {@code [B, 1, 1, C]}. Read through {@code
   * input} (null for the layer's own tensor), the other inputs' channels are zeros: the terms index
   * the whole layer, and read none of those.
   */
  private static Operand<TFloat32> activations(
      Graph g, Ops tf, LayerInfo layer, ConcatInput input, int batch) {
    @SuppressWarnings("unchecked")
    Output<TFloat32> own =
        (Output<TFloat32>)
            g.outputOrThrow(MODEL_PREFIX + "/" + (input == null ? layer.output() : input.output()));
    Operand<TFloat32> out = own;
    if (input != null) {
      int[][] paddings = new int[layer.shape().length][2];
      paddings[paddings.length - 1] =
          new int[] {input.offset(), layer.channels() - input.offset() - input.channels()};
      out = tf.pad(own, tf.constant(paddings), tf.constant(0f));
    }
    if (layer.spatial()) {
      return out;
    }
    return tf.reshape(out, tf.constant(new int[] {batch, 1, 1, layer.channels()}));
  }

  /**
   * The gradient of {@code loss} with respect to the parameters and the image; with {@code
   * normalize}, the parameters get the image's gradient is first divided by its L2 norm per batch
   * element (Lucid's normalize_gradient), in two stages because TensorFlow Java cannot register a
   * custom gradient for an identity op reliably.
   */
  @SuppressWarnings("unchecked")
  private static Gradients gradient(
      Graph g,
      Ops tf,
      Operand<TFloat32> loss,
      Operand<TFloat32> image,
      Operand<TFloat32> params,
      boolean normalize) {
    if (!normalize) {
      // One call for both: the image's gradient is a stage of the parameters', so it costs nothing.
      Output<?>[] both =
          g.addGradients(loss.asOutput(), new Output<?>[] {params.asOutput(), image.asOutput()});
      return new Gradients((Operand<TFloat32>) both[0], (Operand<TFloat32>) both[1]);
    }
    Operand<TFloat32> gImage =
        (Operand<TFloat32>)
            g.addGradients(
                    "image_gradient",
                    new Output<?>[] {loss.asOutput()},
                    new Output<?>[] {image.asOutput()},
                    null)[0];
    Ops n = tf.withSubScope("normalize_gradient");
    Operand<TFloat32> norm =
        n.math.sqrt(
            n.math.add(
                n.reduceSum(
                    n.math.square(gImage),
                    n.constant(new int[] {1, 2, 3}),
                    org.tensorflow.op.core.ReduceSum.keepDims(true)),
                n.constant(1e-16f)));
    Operand<TFloat32> unit = n.math.div(gImage, norm);
    return new Gradients(
        (Operand<TFloat32>)
            g.addGradients(
                    "param_gradient",
                    new Output<?>[] {image.asOutput()},
                    new Output<?>[] {params.asOutput()},
                    new Output<?>[] {unit.asOutput()})[0],
        gImage);
  }

  /** The loss's gradient with respect to the parameters (as the optimizer takes it) and image. */
  private record Gradients(Operand<TFloat32> params, Operand<TFloat32> image) {}

  private static Operand<TFloat32> toModelRange(
      Ops tf, Operand<TFloat32> image, ModelMetadata meta, int channels) {
    Operand<TFloat32> x = image;
    if (meta.channelOrder() == ModelMetadata.ChannelOrder.BGR && channels == 3) {
      x = tf.reverse(x, tf.constant(new int[] {3}));
    }
    if (meta.valueMin() != 0 || meta.valueMax() != 1) {
      x =
          tf.math.add(
              tf.math.mul(x, tf.constant((float) (meta.valueMax() - meta.valueMin()))),
              tf.constant((float) meta.valueMin()));
    }
    return tf.withName("model_input").identity(x);
  }

  /** Runs one render from a fresh start; the plan can render again afterwards. */
  public RenderResult render(
      Objective objective, RenderSettings settings, RenderListener listener) {
    if (closed) {
      throw new IllegalStateException("plan is closed");
    }
    if (!spec.fits(objective)) {
      throw new IllegalArgumentException(
          "this plan renders " + spec.terms() + ", not " + PlanSpec.shapes(objective));
    }
    checkNarrowed(objective);
    SplittableRandom draws = new SplittableRandom(settings.seed() ^ TRANSFORM_SEED_SALT);
    try (TFloat32 start =
        TFloat32.tensorOf(
            param.parameterShape(),
            DataBuffers.of(
                settings.startImage() != null
                    ? paramsFor(settings.startImage())
                    : settings.sharedStart()
                        ? sharedNoise(param.initialParameters(settings.seed()))
                        : param.initialParameters(settings.seed()),
                true,
                false))) {
      session.runner().feed(initialParams, start).addTarget(init).run();
      if (!objectiveGraph.captures().isEmpty()) {
        // With the first step's random draws (a generator of the same seed), so that what is
        // captured is what the first step sees.
        capture(objective, new SplittableRandom(settings.seed() ^ TRANSFORM_SEED_SALT));
      }
      double progressStep = settings.steps() == 1 ? 0 : 1.0 / (settings.steps() - 1);
      double[] values = new double[settings.steps()];
      Map<Integer, ImageBatch> snapshots = new LinkedHashMap<>();
      for (int step = 1; step <= settings.steps(); step++) {
        if (listener.stopRequested()) {
          throw new RenderCancelledException(step - 1);
        }
        values[step - 1] =
            step(objective, settings.learningRate(step), step, (step - 1) * progressStep, draws);
        if (!Double.isFinite(values[step - 1])) {
          throw new IllegalStateException(
              "objective became "
                  + values[step - 1]
                  + " at step "
                  + step
                  + "; try a lower learning rate");
        }
        listener.onStep(step, settings.steps(), values[step - 1]);
        if (settings.snapshots().contains(step)) {
          ImageBatch snap = currentImage();
          snapshots.put(step, snap);
          listener.onSnapshot(step, snap);
        }
      }
      return new RenderResult(
          currentImage(),
          snapshots,
          values,
          currentAttribution(),
          param.redrawable() ? currentParameters() : null);
    }
  }

  /**
   * One optimization step at {@code progress} through the render (0 first, 1 last); returns the
   * objective before its update.
   */
  private double step(
      Objective objective, double learningRate, int step, double progress, SplittableRandom draws) {
    List<Tensor> fed = new ArrayList<>();
    List<AutoCloseable> drawn = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      update.feeder().feed(runner, step, learningRate, fed);
      objectiveGraph.feed(objective, runner, fed);
      if (redirectFlag != null && step <= REDIRECTED_STEPS) {
        runner.feed(redirectFlag, keep(fed, TFloat32.scalarOf(1f)));
      }
      transforms.feed(runner, draws, drawn, progress);
      try (Result r = runner.fetch(total).addTarget(update.op()).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    } finally {
      fed.forEach(Tensor::close);
      for (AutoCloseable t : drawn) {
        try {
          t.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** Runs the terms' capture ops with a first step's feeds. */
  private void capture(Objective objective, SplittableRandom draws) {
    List<Tensor> fed = new ArrayList<>();
    List<AutoCloseable> drawn = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      objectiveGraph.feed(objective, runner, fed);
      transforms.feed(runner, draws, drawn, 0);
      objectiveGraph.captures().forEach(runner::addTarget);
      runner.run().close();
    } finally {
      fed.forEach(Tensor::close);
      for (AutoCloseable t : drawn) {
        try {
          t.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static <T extends Tensor> T keep(List<Tensor> toClose, T tensor) {
    toClose.add(tensor);
    return tensor;
  }

  /**
   * Every batch element's parameters set to the first element's. The parameters are batch-major,
   * and the first element's values are the first ones drawn from the seed, so they are the
   * parameters a batch of one starts from with the same seed.
   */
  private float[] sharedNoise(float[] drawn) {
    int each = drawn.length / spec.batch();
    for (int b = 1; b < spec.batch(); b++) {
      System.arraycopy(drawn, 0, drawn, b * each, each);
    }
    return drawn;
  }

  /** The parameters whose image is {@code image}. */
  private float[] paramsFor(ImageBatch image) {
    if (image.batch() != spec.batch()
        || image.height() != spec.height()
        || image.width() != spec.width()
        || image.channels() != channels) {
      throw new IllegalArgumentException(
          "start image is "
              + image.batch()
              + "×"
              + image.height()
              + "×"
              + image.width()
              + "×"
              + image.channels()
              + ", the plan renders "
              + spec.batch()
              + "×"
              + spec.height()
              + "×"
              + spec.width()
              + "×"
              + channels);
    }
    return param.parametersFor(image.pixels());
  }

  /** The transparency map so far: {@code [B, H, W]}, row-major. */
  private float[] currentAttribution() {
    return fetchAll(attribution);
  }

  /** The parameters now, in {@link ImageParametrization#parameterShape()} order. */
  private float[] currentParameters() {
    return fetchAll(paramsRead);
  }

  private float[] fetchAll(String name) {
    try (Result r = session.runner().fetch(name).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] values = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(values, false, false));
      return values;
    }
  }

  private ImageBatch currentImage() {
    try (Result r = session.runner().fetch(image).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] pixels = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(pixels, false, false));
      return new ImageBatch(spec.batch(), spec.height(), spec.width(), channels, pixels);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    session.close();
    graph.close();
  }
}
