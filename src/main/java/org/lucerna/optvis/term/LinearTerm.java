package org.lucerna.optvis.term;

import org.lucerna.model.LayerInfo;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A term that is a weighted sum of a layer's mean channel activations, one row of weights per batch
 * element: channels, class logits and weighted channels share one graph and differ only in the rows
 * fed.
 */
public interface LinearTerm extends Term {

  /** The weights, {@code batch} rows of {@code layer.channels()} values, row-major. */
  float[] weights(LayerInfo layer, int batch);

  @Override
  default TermGraph graph() {
    return new Graph(layer());
  }

  /** Σ_c mean(A[b, :, :, c]) · W[b, c]. */
  record Graph(String layer) implements TermGraph {
    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      int channels = s.layer().channels();
      int images = s.images();
      Placeholder<TFloat32> w = s.input("weights", Shape.of(images, channels));
      String name = Feeds.name(w);
      // Crop k of image b is row k·B + b: the rows repeat once per crop.
      Operand<TFloat32> rows = s.crops() == 1 ? w : t.tile(w, t.constant(new int[] {s.crops(), 1}));
      Operand<TFloat32> mean = t.math.mean(s.activations(), t.constant(new int[] {1, 2}));
      Operand<TFloat32> values = t.reduceSum(t.math.mul(mean, rows), t.constant(1));
      return new Built(
          values,
          (term, feeds) ->
              feeds.put(
                  name,
                  TFloat32.tensorOf(
                      Shape.of(images, channels),
                      DataBuffers.of(
                          ((LinearTerm) term).weights(s.layer(), images), true, false))));
    }
  }

  /** The weights that select one channel on every batch element. */
  static float[] oneChannel(int channel, LayerInfo layer, int batch) {
    float[] w = new float[batch * layer.channels()];
    for (int b = 0; b < batch; b++) {
      w[b * layer.channels() + channel] = 1f;
    }
    return w;
  }
}
