package org.lucerna.optvis.param;

import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Runs a graph function of one float input once, for tests. */
final class GraphRunner {
  private GraphRunner() {}

  static float[] run(
      Shape inputShape,
      float[] input,
      BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> build) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(inputShape));
      Operand<TFloat32> out = build.apply(tf, in);
      try (TFloat32 t = TFloat32.tensorOf(inputShape, DataBuffers.of(input, true, false));
          Result r = s.runner().feed(in, t).fetch(out).run()) {
        TFloat32 o = (TFloat32) r.get(0);
        float[] values = new float[(int) o.shape().size()];
        o.copyTo(DataBuffers.of(values, false, false));
        return values;
      }
    }
  }
}
