package org.lucerna.optvis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lucerna.model.InputSpec;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.ModelMetadata;
import org.lucerna.model.PreparedModel;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One compiled render graph and its session: parameters → image → model → objective → gradient → Adam
 * update, run with one {@code Session.run} per step. Channel choice, seed, learning rate and Adam's bias
 * corrections are fed, so one plan serves every render of its {@link PlanSpec}.
 *
 * <p>A plan is used by one thread at a time; {@link #close()} is safe to call twice.
 */
public final class Plan implements AutoCloseable {
  private static final String SCOPE = "lucerna";
  private static final String MODEL_PREFIX = "model";
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double INIT_STDDEV = 0.01;

  private final PlanSpec spec;
  private final ObjectiveGraph objectiveGraph;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> initialParams;
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> beta1Power;
  private final Placeholder<TFloat32> beta2Power;
  private final Op init;
  private final Op update;
  private final Operand<TFloat32> image;
  private final Operand<TFloat32> total;
  private boolean closed;

  private Plan(PreparedModel model, PlanSpec spec, ExecutionOptions execution) {
    this.spec = spec;
    InputSpec input = model.input();
    if (input.shape().length != 4 || input.channels() != 3) {
      throw new IllegalArgumentException("model " + model.id() + " takes " + input
          + "; only NHWC RGB inputs are supported");
    }
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph).withDevice(deviceSpec(execution.device())).withSubScope(SCOPE);
      Shape shape = Shape.of(spec.batch(), spec.height(), spec.width(), 3);
      Variable<TFloat32> params = tf.withName("params").variable(shape, TFloat32.class);
      Variable<TFloat32> m = tf.withName("adam_m").variable(shape, TFloat32.class);
      Variable<TFloat32> v = tf.withName("adam_v").variable(shape, TFloat32.class);
      initialParams = tf.withName("initial_params").placeholder(TFloat32.class, Placeholder.shape(shape));
      Operand<TFloat32> zeros = tf.fill(tf.constant(shape.asArray()), tf.constant(0f));
      init = tf.withControlDependencies(List.of(
              tf.assign(params, initialParams), tf.assign(m, zeros), tf.assign(v, zeros)))
          .withName("init").noOp();

      // Gradients are taken with respect to a read of the variable, not the variable's reference.
      Operand<TFloat32> paramsRead = tf.withName("params_read").identity(params);
      image = tf.withName("image").math.sigmoid(paramsRead);
      Operand<TFloat32> modelInput = toModelRange(tf, image, model.metadata());

      GraphImport.importMapped(graph, model.graph(), MODEL_PREFIX, input.node(),
          modelInput.asOutput(), execution.device());
      Ops obj = tf.withSubScope("objective");
      Map<String, ObjectiveGraph.Layer> layers = new LinkedHashMap<>();
      for (TermShape term : spec.terms()) {
        if (term.layer() != null && !layers.containsKey(term.layer())) {
          LayerInfo info = model.layers().get(term.layer());
          layers.put(term.layer(), new ObjectiveGraph.Layer(info, activations(obj, info)));
        }
      }
      objectiveGraph = new ObjectiveGraph(obj, spec.terms(), spec.batch(), layers, image);
      total = objectiveGraph.total();
      Operand<TFloat32> loss = obj.withName("loss").math.neg(total);

      Output<?>[] grads = graph.addGradients(loss.asOutput(), new Output<?>[] {paramsRead.asOutput()});
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = (Operand<TFloat32>) grads[0];
      Ops adam = tf.withSubScope("adam");
      learningRate = adam.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      beta1Power = adam.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      beta2Power = adam.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      update = adam.train.applyAdam(params, m, v, beta1Power, beta2Power, learningRate,
          adam.constant((float) BETA1), adam.constant((float) BETA2), adam.constant(1e-8f), grad);

      session = new Session(graph, false, execution.toConfigProto());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Builds the graph and session of {@code spec} on {@code model}. */
  public static Plan build(PreparedModel model, PlanSpec spec, ExecutionOptions execution) {
    return new Plan(model, spec, execution);
  }

  public PlanSpec spec() {
    return spec;
  }

  /** The activations of {@code layer} in the plan's graph, dense layers as {@code [B, 1, 1, C]}. */
  private Operand<TFloat32> activations(Ops tf, LayerInfo layer) {
    @SuppressWarnings("unchecked")
    Output<TFloat32> out = (Output<TFloat32>) graph.outputOrThrow(MODEL_PREFIX + "/" + layer.output());
    if (layer.spatial()) {
      return out;
    }
    return tf.reshape(out, tf.constant(new int[] {spec.batch(), 1, 1, layer.channels()}));
  }

  /** The graph, for inspection (tests check what it holds); do not add to it. */
  public Graph graph() {
    return graph;
  }

  private static DeviceSpec deviceSpec(Device device) {
    return DeviceSpec.newBuilder()
        .deviceType(device.kind() == Device.Kind.GPU ? DeviceSpec.DeviceType.GPU : DeviceSpec.DeviceType.CPU)
        .deviceIndex(device.index())
        .build();
  }

  private static Operand<TFloat32> toModelRange(Ops tf, Operand<TFloat32> image, ModelMetadata meta) {
    Operand<TFloat32> x = image;
    if (meta.channelOrder() == ModelMetadata.ChannelOrder.BGR) {
      x = tf.reverse(x, tf.constant(new int[] {3}));
    }
    if (meta.valueMin() != 0 || meta.valueMax() != 1) {
      x = tf.math.add(tf.math.mul(x, tf.constant((float) (meta.valueMax() - meta.valueMin()))),
          tf.constant((float) meta.valueMin()));
    }
    return tf.withName("model_input").identity(x);
  }

  /** Runs one render from a fresh start; the plan can render again afterwards. */
  public RenderResult render(Objective objective, RenderSettings settings, RenderListener listener) {
    if (closed) {
      throw new IllegalStateException("plan is closed");
    }
    PlanSpec wanted = PlanSpec.of(spec.height(), spec.width(), spec.batch(), objective);
    if (!wanted.equals(spec)) {
      throw new IllegalArgumentException("this plan renders " + spec + ", not " + wanted);
    }
    try (TFloat32 start = settings.startImage() == null
            ? initialParams(settings.seed()) : paramsFor(settings.startImage());
        TFloat32 lr = TFloat32.scalarOf((float) settings.learningRate())) {
      session.runner().feed(initialParams, start).addTarget(init).run();
      double[] values = new double[settings.steps()];
      Map<Integer, ImageBatch> snapshots = new LinkedHashMap<>();
      for (int step = 1; step <= settings.steps(); step++) {
        if (listener.stopRequested()) {
          throw new RenderCancelledException(step - 1);
        }
        List<Tensor> fed = new ArrayList<>();
        try {
          Session.Runner runner = session.runner()
              .feed(learningRate, lr)
              .feed(beta1Power, ObjectiveGraph.keep(fed, TFloat32.scalarOf((float) Math.pow(BETA1, step))))
              .feed(beta2Power, ObjectiveGraph.keep(fed, TFloat32.scalarOf((float) Math.pow(BETA2, step))));
          objectiveGraph.feed(objective, runner, fed);
          try (Result r = runner.fetch(total).addTarget(update).run()) {
            values[step - 1] = ((TFloat32) r.get(0)).getFloat();
          }
        } finally {
          fed.forEach(Tensor::close);
        }
        if (!Double.isFinite(values[step - 1])) {
          throw new IllegalStateException("objective became " + values[step - 1] + " at step " + step
              + "; try a lower learning rate");
        }
        listener.onStep(step, settings.steps(), values[step - 1]);
        if (settings.snapshots().contains(step)) {
          ImageBatch snap = currentImage();
          snapshots.put(step, snap);
          listener.onSnapshot(step, snap);
        }
      }
      return new RenderResult(currentImage(), snapshots, values);
    }
  }

  private TFloat32 initialParams(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[spec.batch() * spec.height() * spec.width() * 3];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (Gaussian.next(random) * INIT_STDDEV);
    }
    return TFloat32.tensorOf(Shape.of(spec.batch(), spec.height(), spec.width(), 3),
        DataBuffers.of(values, true, false));
  }

  /** The parameters whose image is {@code image}: the inverse of the sigmoid. */
  private TFloat32 paramsFor(ImageBatch image) {
    if (image.batch() != spec.batch() || image.height() != spec.height() || image.width() != spec.width()) {
      throw new IllegalArgumentException("start image is " + image.batch() + "×" + image.height() + "×"
          + image.width() + ", the plan renders " + spec.batch() + "×" + spec.height() + "×" + spec.width());
    }
    float[] values = new float[image.pixels().length];
    for (int i = 0; i < values.length; i++) {
      double p = Math.min(1 - 1e-6, Math.max(1e-6, image.pixels()[i]));
      values[i] = (float) Math.log(p / (1 - p));
    }
    return TFloat32.tensorOf(Shape.of(spec.batch(), spec.height(), spec.width(), 3), DataBuffers.of(values, true, false));
  }

  private ImageBatch currentImage() {
    try (Result r = session.runner().fetch(image).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] pixels = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(pixels, false, false));
      return new ImageBatch(spec.batch(), spec.height(), spec.width(), pixels);
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
