package org.lucerna.optvis.term;

import java.util.List;
import org.lucerna.model.LayerInfo;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * What a term adds to a plan's graph. Graphs are values: two terms whose graphs are equal share a
 * plan, and their arguments (channel, vector, constant, ...) are fed at each step by the graph's
 * {@link Feeder}.
 */
public interface TermGraph {

  /** The layer read, or null for graphs on the image. */
  String layer();

  /** Whether the term's value depends on the image at all (a constant alone has no gradient). */
  default boolean readsImage() {
    return true;
  }

  /** Builds the term's ops: one value per batch element, and how to feed its arguments. */
  Built build(Scope scope);

  /**
   * Where a term's ops are built.
   *
   * @param batch the batch the term reads: the images for graphs on the image, the model's inputs
   *     (images × crops) for graphs on a layer
   * @param crops model inputs per image (the crops transform's count, else 1); for graphs on a
   *     layer, input {@code k·B + b} is crop k of image b
   * @param layer the layer read, null for graphs on the image
   * @param activations the layer's activations {@code [batch, h, w, C]} (dense layers as {@code
   *     [batch, 1, 1, C]}), or null for graphs on the image
   * @param image the rendered image {@code [B, H, W, C]}
   */
  record Scope(
      Ops tf,
      int batch,
      int crops,
      LayerInfo layer,
      Operand<TFloat32> activations,
      Operand<TFloat32> image) {

    /** The rendered images: {@link #batch()} without the crops. */
    public int images() {
      return batch / crops;
    }

    /**
     * Refuses a graph that compares batch elements when crops make several model inputs of one
     * image.
     */
    public void requireNoCrops(String kind) {
      if (crops > 1) {
        throw new IllegalArgumentException(
            kind + " compares the images of the batch; it cannot be used with crops");
      }
    }

    /** A float placeholder of {@code shape}, named {@code name} in the term's scope. */
    public Placeholder<TFloat32> input(String name, Shape shape) {
      return tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(shape));
    }

    public <T extends TType> Placeholder<T> input(String name, Class<T> type, Shape shape) {
      return tf.withName(name).placeholder(type, Placeholder.shape(shape));
    }
  }

  /**
   * The term's values, {@code [B]}, the feeder of its arguments, and the ops that capture what the
   * term compares with: run once per render, after the parameters are set and before the first
   * step, with that step's feeds (a start image's pixels or its activations, which then stay fixed
   * for the render).
   */
  record Built(Operand<TFloat32> values, Feeder feeder, List<Op> captures) {
    public Built {
      captures = List.copyOf(captures);
    }

    public Built(Operand<TFloat32> values, Feeder feeder) {
      this(values, feeder, List.of());
    }

    /** A term with nothing to feed. */
    public Built(Operand<TFloat32> values) {
      this(values, (term, feeds) -> {});
    }
  }

  /** Feeds a concrete term's arguments; {@code term} is of a kind whose graph this is. */
  @FunctionalInterface
  interface Feeder {
    void feed(Term term, Feeds feeds);
  }

  /**
   * One step's feeds, by op name (the plan runs a placed copy of the graph the ops were built in).
   */
  final class Feeds {
    private final Session.Runner runner;
    private final List<Tensor> toClose;

    public Feeds(Session.Runner runner, List<Tensor> toClose) {
      this.runner = runner;
      this.toClose = toClose;
    }

    public void put(String op, Tensor value) {
      toClose.add(value);
      runner.feed(op, value);
    }

    public static String name(Op op) {
      return op.op().name();
    }
  }
}
