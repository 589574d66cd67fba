package org.lucerna.optvis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lucerna.model.LayerInfo;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * An objective's terms compiled into ops: one value per batch element and term, combined with fed
 * coefficients (weight × batch mask) into one total. What varies between objectives of the same
 * {@link TermShape}s is fed by {@link #feed}.
 */
final class ObjectiveGraph {
  private static final float EPS = 1e-4f;

  /** The activations an objective may read: {@code [B, h, w, C]}, dense layers as {@code [B, 1, 1, C]}. */
  record Layer(LayerInfo info, Operand<TFloat32> activations) {}

  private final List<TermShape> shapes;
  private final int batch;
  private final List<CompiledTerm> compiled = new ArrayList<>();
  private final Operand<TFloat32> total;

  /** One compiled term: its placeholders, filled from a concrete term at each render. */
  private interface CompiledTerm {
    String coefficients();

    void feed(Term term, Session.Runner runner, List<Tensor> toClose);
  }

  ObjectiveGraph(Ops tf, List<TermShape> shapes, int batch, Map<String, Layer> layers, Operand<TFloat32> image) {
    this.shapes = List.copyOf(shapes);
    this.batch = batch;
    if (shapes.stream().noneMatch(TermShape::dependsOnImage)) {
      throw new IllegalArgumentException("the objective is a constant; it needs a term that reads the image or a layer");
    }
    Operand<TFloat32> sum = null;
    for (int i = 0; i < shapes.size(); i++) {
      TermShape shape = shapes.get(i);
      Ops t = tf.withSubScope("term" + i + "_" + shape.kind().name().toLowerCase());
      Placeholder<TFloat32> coef = t.withName("coefficients").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch)));
      Layer layer = shape.layer() == null ? null : layers.get(shape.layer());
      Compiled c = compile(t, shape, coef, layer, image);
      compiled.add(c.term);
      Operand<TFloat32> weighted = t.reduceSum(t.math.mul(c.values, coef), t.constant(0));
      sum = sum == null ? weighted : tf.math.add(sum, weighted);
    }
    total = tf.withName("total").identity(sum);
  }

  private record Compiled(Operand<TFloat32> values, CompiledTerm term) {}

  List<TermShape> shapes() {
    return shapes;
  }

  /** The objective, summed over terms and batch: what the plan maximizes. */
  Operand<TFloat32> total() {
    return total;
  }

  /** Feeds {@code objective}'s weights and arguments; its term shapes must be this graph's. */
  void feed(Objective objective, Session.Runner runner, List<Tensor> toClose) {
    List<Objective.Weighted> terms = objective.terms();
    for (int i = 0; i < terms.size(); i++) {
      Objective.Weighted w = terms.get(i);
      if (w.batch() != null && w.batch() >= batch) {
        throw new IllegalArgumentException("term " + w.term().describe() + " is on batch element " + w.batch()
            + " but the batch has " + batch + " (0 to " + (batch - 1) + ")");
      }
      float[] coef = new float[batch];
      for (int b = 0; b < batch; b++) {
        coef[b] = w.batch() == null || w.batch() == b ? (float) w.weight() : 0f;
      }
      CompiledTerm c = compiled.get(i);
      runner.feed(c.coefficients(), keep(toClose, TFloat32.vectorOf(coef)));
      c.feed(w.term(), runner, toClose);
    }
  }

  /** Feeds go by name: the plan runs a placed copy of the graph these ops were built in. */
  static String name(org.tensorflow.op.Op op) {
    return op.op().name();
  }

  static <T extends Tensor> T keep(List<Tensor> toClose, T tensor) {
    toClose.add(tensor);
    return tensor;
  }

  private Compiled compile(Ops t, TermShape shape, Placeholder<TFloat32> coef, Layer layer, Operand<TFloat32> image) {
    switch (shape.kind()) {
      case LINEAR: {
        int channels = layer.info().channels();
        Placeholder<TFloat32> w = t.withName("weights").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, channels)));
        String wName = name(w);
        Operand<TFloat32> mean = t.math.mean(layer.activations(), t.constant(new int[] {1, 2}));
        Operand<TFloat32> values = t.reduceSum(t.math.mul(mean, w), t.constant(1));
        return new Compiled(values, fed(coef, (term, runner, close) ->
            runner.feed(wName, keep(close, TFloat32.tensorOf(Shape.of(batch, channels),
                DataBuffers.of(linearWeights(term, layer.info()), true, false))))));
      }
      case NEURON: {
        int channels = layer.info().channels();
        Placeholder<TInt32> x = t.withName("x").placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
        String xName = name(x);
        Placeholder<TInt32> y = t.withName("y").placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
        String yName = name(y);
        Placeholder<TFloat32> onehot = t.withName("channel").placeholder(TFloat32.class, Placeholder.shape(Shape.of(channels)));
        String onehotName = name(onehot);
        Operand<TInt32> dims = t.shape(layer.activations());
        // A negative position means the centre, which depends on the layer's size at run time.
        Operand<TInt32> cx = t.select(t.math.less(x, t.constant(0)),
            t.math.floorDiv(t.gather(dims, t.constant(1), t.constant(0)), t.constant(2)), x);
        Operand<TInt32> cy = t.select(t.math.less(y, t.constant(0)),
            t.math.floorDiv(t.gather(dims, t.constant(2), t.constant(0)), t.constant(2)), y);
        Operand<TFloat32> row = t.gather(layer.activations(), cx, t.constant(1));
        Operand<TFloat32> unit = t.gather(row, cy, t.constant(1));
        Operand<TFloat32> values = t.reduceSum(t.math.mul(unit, onehot), t.constant(1));
        return new Compiled(values, fed(coef, (term, runner, close) -> {
          Term.Neuron n = (Term.Neuron) term;
          ObjectiveCheck.checkChannel(n.channel(), layer.info());
          runner.feed(xName, keep(close, TInt32.scalarOf(n.x() == null ? -1 : n.x())));
          runner.feed(yName, keep(close, TInt32.scalarOf(n.y() == null ? -1 : n.y())));
          float[] hot = new float[channels];
          hot[n.channel()] = 1f;
          runner.feed(onehotName, keep(close, TFloat32.vectorOf(hot)));
        }));
      }
      case DIRECTION: {
        int channels = layer.info().channels();
        Placeholder<TFloat32> v = t.withName("vector").placeholder(TFloat32.class, Placeholder.shape(Shape.of(channels)));
        String vName = name(v);
        Placeholder<TFloat32> power = t.withName("cossim_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        String powerName = name(power);
        Operand<TFloat32> a = layer.activations();
        Operand<TFloat32> dot = t.reduceSum(t.math.mul(a, v), t.constant(-1));
        Operand<TFloat32> aNorm = t.math.sqrt(t.reduceSum(t.math.square(a), t.constant(-1)));
        Operand<TFloat32> vNorm = t.math.sqrt(t.reduceSum(t.math.square(v), t.constant(0)));
        Operand<TFloat32> cos = t.math.div(t.math.div(dot, t.math.add(aNorm, t.constant(EPS))), t.math.add(vNorm, t.constant(EPS)));
        Operand<TFloat32> factor = t.math.pow(t.math.maximum(cos, t.constant(0.1f)), power);
        Operand<TFloat32> values = t.math.mean(t.math.mul(dot, factor), t.constant(new int[] {1, 2}));
        return new Compiled(values, fed(coef, (term, runner, close) -> {
          Term.Direction d = (Term.Direction) term;
          if (d.vector().length != channels) {
            throw new IllegalArgumentException("layer " + layer.info().name() + " has " + channels
                + " channels; the direction vector has " + d.vector().length + " values");
          }
          runner.feed(vName, keep(close, TFloat32.vectorOf(toFloats(d.vector()))));
          runner.feed(powerName, keep(close, TFloat32.scalarOf((float) d.cossimPower())));
        }));
      }
      case DEEP_DREAM:
        return new Compiled(t.math.mean(t.math.square(layer.activations()), t.constant(new int[] {1, 2, 3})),
            fed(coef, (term, runner, close) -> {}));
      case DIVERSITY:
        return new Compiled(diversity(t, layer.activations()), fed(coef, (term, runner, close) -> {}));
      case ALIGNMENT: {
        Placeholder<TFloat32> decay = t.withName("decay").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        String decayName = name(decay);
        return new Compiled(alignment(t, layer.activations(), decay), fed(coef, (term, runner, close) ->
            runner.feed(decayName, keep(close, TFloat32.scalarOf((float) ((Term.Alignment) term).decay())))));
      }
      case L1:
      case L2: {
        Placeholder<TFloat32> constant = t.withName("constant").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        String constantName = name(constant);
        Operand<TFloat32> diff = t.math.sub(image, constant);
        Operand<TFloat32> values = shape.kind() == TermShape.Kind.L1
            ? t.reduceSum(t.math.abs(diff), t.constant(new int[] {1, 2, 3}))
            : t.math.sqrt(t.math.add(t.reduceSum(t.math.square(diff), t.constant(new int[] {1, 2, 3})), t.constant(1e-6f)));
        return new Compiled(values, fed(coef, (term, runner, close) -> runner.feed(constantName, keep(close,
            TFloat32.scalarOf((float) (term instanceof Term.L1 l1 ? l1.constant() : ((Term.L2) term).constant()))))));
      }
      case TOTAL_VARIATION: {
        Operand<TFloat32> dh = t.math.sub(
            t.stridedSlice(image, Indices.all(), Indices.sliceFrom(1)),
            t.stridedSlice(image, Indices.all(), Indices.sliceTo(-1)));
        Operand<TFloat32> dw = t.math.sub(
            t.stridedSlice(image, Indices.all(), Indices.all(),
                Indices.sliceFrom(1)),
            t.stridedSlice(image, Indices.all(), Indices.all(),
                Indices.sliceTo(-1)));
        Operand<TFloat32> values = t.math.add(
            t.reduceSum(t.math.abs(dh), t.constant(new int[] {1, 2, 3})),
            t.reduceSum(t.math.abs(dw), t.constant(new int[] {1, 2, 3})));
        return new Compiled(values, fed(coef, (term, runner, close) -> {}));
      }
      case BLUR:
        return new Compiled(blur(t, image), fed(coef, (term, runner, close) -> {}));
      case CONSTANT: {
        Placeholder<TFloat32> value = t.withName("value").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        String valueName = name(value);
        Operand<TFloat32> values = t.fill(t.constant(new int[] {batch}), value);
        return new Compiled(values, fed(coef, (term, runner, close) ->
            runner.feed(valueName, keep(close, TFloat32.scalarOf((float) ((Term.Constant) term).value())))));
      }
      default:
        throw new IllegalStateException("unhandled term kind " + shape.kind());
    }
  }

  private interface Feeder {
    void feed(Term term, Session.Runner runner, List<Tensor> toClose);
  }

  private static CompiledTerm fed(Placeholder<TFloat32> coef, Feeder feeder) {
    String coefName = name(coef);
    return new CompiledTerm() {
      @Override
      public String coefficients() {
        return coefName;
      }

      @Override
      public void feed(Term term, Session.Runner runner, List<Tensor> toClose) {
        feeder.feed(term, runner, toClose);
      }
    };
  }

  /** −Σ_{c≠b} ⟨Ĝ_b, Ĝ_c⟩ / B with Ĝ the Frobenius-normalized Gram matrix of each element's activations. */
  private Operand<TFloat32> diversity(Ops t, Operand<TFloat32> a) {
    Operand<TFloat32> flat = t.reshape(a, t.constant(new int[] {batch, -1, (int) a.shape().get(3)}));
    Operand<TFloat32> gram = t.scope().opBuilder("BatchMatMulV2", "gram")
        .addInput(flat.asOutput()).addInput(flat.asOutput())
        .setAttr("adj_x", true).setAttr("adj_y", false)
        .build().<TFloat32>output(0);
    Operand<TFloat32> rows = t.reshape(gram, t.constant(new int[] {batch, -1}));
    Operand<TFloat32> norm = t.math.sqrt(t.math.add(t.reduceSum(t.math.square(rows), t.constant(1),
        org.tensorflow.op.core.ReduceSum.keepDims(true)), t.constant(1e-12f)));
    Operand<TFloat32> unit = t.math.div(rows, norm);
    Operand<TFloat32> sims = t.linalg.matMul(unit, unit, org.tensorflow.op.linalg.MatMul.transposeB(true));
    Operand<TFloat32> self = t.math.mul(sims, t.constant(identity(batch)));
    Operand<TFloat32> others = t.reduceSum(t.math.sub(sims, self), t.constant(1));
    return t.math.div(t.math.neg(others), t.constant((float) batch));
  }

  private static float[][] identity(int n) {
    float[][] m = new float[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1f;
    }
    return m;
  }

  /** −Σ_{d=1..4} mean((A[b]−A[b+d])²)/decay^d, over the neighbours b+d inside the batch. */
  private Operand<TFloat32> alignment(Ops t, Operand<TFloat32> a, Operand<TFloat32> decay) {
    Operand<TFloat32> sum = t.fill(t.constant(new int[] {batch}), t.constant(0f));
    for (int d = 1; d <= Math.min(4, batch - 1); d++) {
      Operand<TFloat32> head = t.slice(a, t.constant(new int[] {0, 0, 0, 0}), t.constant(new int[] {batch - d, -1, -1, -1}));
      Operand<TFloat32> tail = t.slice(a, t.constant(new int[] {d, 0, 0, 0}), t.constant(new int[] {batch - d, -1, -1, -1}));
      Operand<TFloat32> dist = t.math.mean(t.math.square(t.math.sub(head, tail)), t.constant(new int[] {1, 2, 3}));
      Operand<TFloat32> padded = t.pad(dist, t.constant(new int[][] {{0, d}}), t.constant(0f));
      Operand<TFloat32> scale = t.math.pow(decay, t.constant((float) d));
      sum = t.math.add(sum, t.math.div(padded, scale));
    }
    return t.math.neg(sum);
  }

  /** 0.5·Σ(x − blur(x))² with the blurred copy held constant, as Lucid does. */
  private static Operand<TFloat32> blur(Ops t, Operand<TFloat32> image) {
    int channels = (int) image.shape().get(3);
    float[] k1 = {0.25f, 0.5f, 0.25f};
    float[][][][] kernel = new float[3][3][channels][1];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int c = 0; c < channels; c++) {
          kernel[i][j][c][0] = k1[i] * k1[j];
        }
      }
    }
    Operand<TFloat32> blurred = t.stopGradient(t.nn.depthwiseConv2dNative(image, t.constant(kernel),
        List.of(1L, 1L, 1L, 1L), "SAME"));
    return t.math.mul(t.constant(0.5f), t.reduceSum(t.math.square(t.math.sub(image, blurred)), t.constant(new int[] {1, 2, 3})));
  }

  private float[] linearWeights(Term term, LayerInfo layer) {
    int channels = layer.channels();
    float[] w = new float[batch * channels];
    if (term instanceof Term.Channel c) {
      ObjectiveCheck.checkChannel(c.channel(), layer);
      for (int b = 0; b < batch; b++) {
        w[b * channels + c.channel()] = 1f;
      }
    } else if (term instanceof Term.ClassLogit k) {
      ObjectiveCheck.checkChannel(k.index(), layer);
      for (int b = 0; b < batch; b++) {
        w[b * channels + k.index()] = 1f;
      }
    } else {
      double[][] rows = ((Term.WeightedChannels) term).weights();
      if (rows[0].length != channels) {
        throw new IllegalArgumentException("layer " + layer.name() + " has " + channels
            + " channels; each weights row has " + rows[0].length + " values");
      }
      if (rows.length != 1 && rows.length != batch) {
        throw new IllegalArgumentException("weights has " + rows.length + " rows; give 1 (for every batch"
            + " element) or " + batch + " (one per batch element)");
      }
      for (int b = 0; b < batch; b++) {
        double[] row = rows[rows.length == 1 ? 0 : b];
        for (int c = 0; c < channels; c++) {
          w[b * channels + c] = (float) row[c];
        }
      }
    }
    return w;
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
