package org.lucerna.optvis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lucerna.model.LayerInfo;
import org.lucerna.optvis.term.TermGraph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * An objective's terms compiled into ops: one value per batch element and term, combined with fed
 * coefficients (weight × batch mask) into one total. What varies between objectives of the same
 * {@link TermGraph}s is fed by {@link #feed}.
 */
final class ObjectiveGraph {

  /**
   * The activations an objective may read: {@code [B, h, w, C]}, dense layers as {@code [B, 1, 1,
   * C]}.
   */
  record Layer(LayerInfo info, Operand<TFloat32> activations) {}

  /** One built term: the name of its coefficients, the layer it reads (or null) and its feeder. */
  private record Built(String coefficients, LayerInfo layer, TermGraph.Feeder feeder) {}

  private final int batch;
  private final List<Built> built = new ArrayList<>();
  private final List<String> captures = new ArrayList<>();
  private final Operand<TFloat32> total;

  /**
   * @param crops model inputs per image (the crops transform's); a term on a layer gets one value
   *     per input, and an image's value is the mean over its crops
   */
  ObjectiveGraph(
      Ops tf,
      List<TermGraph> graphs,
      int batch,
      int crops,
      Map<String, Layer> layers,
      Operand<TFloat32> image) {
    this.batch = batch;
    if (graphs.stream().noneMatch(TermGraph::readsImage)) {
      throw new IllegalArgumentException(
          "the objective is a constant; it needs a term that reads the image or a layer");
    }
    Operand<TFloat32> sum = null;
    for (int i = 0; i < graphs.size(); i++) {
      TermGraph graph = graphs.get(i);
      Ops t = tf.withSubScope("term" + i);
      Placeholder<TFloat32> coef =
          t.withName("coefficients")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch)));
      Layer layer = graph.layer() == null ? null : layers.get(graph.layer());
      int inputs = layer == null ? 1 : crops;
      TermGraph.Built term =
          graph.build(
              new TermGraph.Scope(
                  t,
                  batch * inputs,
                  inputs,
                  layer == null ? null : layer.info(),
                  layer == null ? null : layer.activations(),
                  image));
      Operand<TFloat32> values =
          inputs == 1
              ? term.values()
              : t.math.mean(
                  t.reshape(term.values(), t.constant(new int[] {inputs, batch})), t.constant(0));
      term.captures().forEach(op -> captures.add(op.op().name()));
      built.add(
          new Built(
              TermGraph.Feeds.name(coef), layer == null ? null : layer.info(), term.feeder()));
      Operand<TFloat32> weighted = t.reduceSum(t.math.mul(values, coef), t.constant(0));
      sum = sum == null ? weighted : tf.math.add(sum, weighted);
    }
    total = tf.withName("total").identity(sum);
  }

  /** The ops the terms capture their references with, once per render ({@link TermGraph.Built}). */
  List<String> captures() {
    return captures;
  }

  /** The objective, summed over terms and batch: what the plan maximizes. */
  Operand<TFloat32> total() {
    return total;
  }

  /**
   * Feeds {@code objective}'s weights and arguments; its term graphs must be this graph's. Each
   * term is checked first, as at submit: a plan may be used without the job service.
   */
  void feed(Objective objective, Session.Runner runner, List<Tensor> toClose) {
    TermGraph.Feeds feeds = new TermGraph.Feeds(runner, toClose);
    List<Objective.Weighted> terms = objective.terms();
    for (int i = 0; i < terms.size(); i++) {
      Objective.Weighted w = terms.get(i);
      if (w.batch() != null && w.batch() >= batch) {
        throw new IllegalArgumentException(
            "term "
                + w.term().describe()
                + " is on batch element "
                + w.batch()
                + " but the batch has "
                + batch
                + " (0 to "
                + (batch - 1)
                + ")");
      }
      Built b = built.get(i);
      w.term().check(b.layer(), batch);
      float[] coef = new float[batch];
      for (int e = 0; e < batch; e++) {
        coef[e] = w.batch() == null || w.batch() == e ? (float) w.weight() : 0f;
      }
      feeds.put(b.coefficients(), TFloat32.vectorOf(coef));
      b.feeder().feed(w.term(), feeds);
    }
  }
}
