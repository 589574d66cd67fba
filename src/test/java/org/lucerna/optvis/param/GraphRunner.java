package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
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

  /**
   * Asserts that the gradient TensorFlow builds for a weighted sum of {@code p}'s image (colors and
   * squash included), at {@code params}, equals central differences (step 0.01, within 2% of the
   * larger of 1 and the difference) at each of {@code indices}.
   */
  static void assertGradientIsFiniteDifferences(
      ImageParametrization p, float[] params, float[] weights, int[] indices) {
    Shape shape = p.parameterShape();
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      Operand<TFloat32> img = p.image(tf, in);
      Operand<TFloat32> value =
          tf.reduceSum(
              tf.math.mul(img, tf.constant(p.imageShape(), DataBuffers.of(weights, true, false))),
              tf.constant(new int[] {0, 1, 2, 3}));
      Output<?> grad = g.addGradients(value.asOutput(), new Output<?>[] {in.asOutput()})[0];
      float[] analytic = fetch(s, in, shape, params, grad);
      double eps = 1e-2;
      for (int i : indices) {
        float[] up = params.clone();
        float[] down = params.clone();
        up[i] += (float) eps;
        down[i] -= (float) eps;
        double numeric =
            (fetch(s, in, shape, up, value.asOutput())[0]
                    - fetch(s, in, shape, down, value.asOutput())[0])
                / (2 * eps);
        assertEquals(numeric, analytic[i], 2e-2 * Math.max(1, Math.abs(numeric)), "parameter " + i);
      }
    }
  }

  private static float[] fetch(
      Session s, Placeholder<TFloat32> in, Shape shape, float[] values, Output<?> out) {
    try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
        Result r = s.runner().feed(in, t).fetch(out).run()) {
      TFloat32 o = (TFloat32) r.get(0);
      float[] v = new float[(int) o.shape().size()];
      o.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }

  /** Normal values of standard deviation {@code std}, the same for the same seed. */
  static float[] normal(Shape shape, long seed, double std) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          (float)
              (std
                  * Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
                  * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return v;
  }
}
