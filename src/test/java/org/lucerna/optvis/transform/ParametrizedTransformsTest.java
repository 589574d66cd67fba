package org.lucerna.optvis.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.param.ImageParametrization;
import org.lucerna.optvis.param.ParamSpec;
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

/**
 * The two libraries chained the way a plan chains them: parameters → image → standard transforms →
 * fit.
 */
class ParametrizedTransformsTest {
  @Test
  void theGradientReachesEveryFourierParameterThroughTheStandardTransforms() {
    ImageParametrization param = ImageParametrization.of(ParamSpec.DEFAULT, 2, 24, 20, 3);
    Shape shape = param.parameterShape();
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> params = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      Operand<TFloat32> image = param.image(tf, params);
      TransformPipeline transforms =
          TransformPipeline.build(tf, image, Transforms.standard(), 32, 32, FitMode.RESIZE);
      assertEquals(Shape.of(2, 32, 32, 3), transforms.output().shape());
      // A spatially varying objective, so that every frequency matters.
      Operand<TFloat32> weights =
          tf.math.sin(
              tf.reshape(
                  tf.dtypes.cast(
                      tf.range(tf.constant(0), tf.constant(2 * 32 * 32 * 3), tf.constant(1)),
                      TFloat32.class),
                  tf.constant(new int[] {2, 32, 32, 3})));
      Operand<TFloat32> objective =
          tf.reduceSum(
              tf.math.mul(transforms.output(), weights), tf.constant(new int[] {0, 1, 2, 3}));
      Output<?> grad = g.addGradients(objective.asOutput(), new Output<?>[] {params.asOutput()})[0];
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in =
          TFloat32.tensorOf(shape, DataBuffers.of(param.initialParameters(9), true, false))) {
        Session.Runner runner = s.runner().feed(params, in).fetch(grad);
        transforms.feed(runner, new SplittableRandom(9), toClose);
        try (Result r = runner.run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] values = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(values, false, false));
          int zeros = 0;
          for (float v : values) {
            assertTrue(Float.isFinite(v));
            zeros += v == 0 ? 1 : 0;
          }
          assertEquals(0, zeros, "parameters with no gradient");
        }
      } finally {
        for (AutoCloseable c : toClose) {
          c.close();
        }
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
