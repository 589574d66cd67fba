package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.param.ParamSpec.Squash;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Each parametrization can reach a fixed image: Adam(0.05) fits a 112×112 target to MAE &lt; 0.01.
 */
class ParametrizationFitTest {
  private static final int SIZE = 112;
  private static final int STEPS = 1000;
  private static final double TOLERANCE = 0.01;
  private static final int CHECK_EVERY = 25;

  @Test
  void fourierFitsTheTarget() {
    assertFits(ParamSpec.DEFAULT);
  }

  @Test
  void pixelFitsTheTarget() {
    assertFits(ParamSpec.pixel(true, Squash.SIGMOID));
  }

  private static void assertFits(ParamSpec spec) {
    ImageParametrization p = ImageParametrization.of(spec, 1, SIZE, SIZE, 3);
    float[] target = target();
    long start = System.nanoTime();
    int steps = stepsToFit(p, target);
    System.out.printf(
        "%s: MAE below %.2f after %d steps, %.1f s%n",
        spec.kind(), TOLERANCE, steps, (System.nanoTime() - start) / 1e9);
    assertTrue(
        steps <= STEPS,
        spec + ": mean absolute error still above " + TOLERANCE + " after " + STEPS);
  }

  /**
   * Smooth gradients, a sinusoid and seeded noise, so that low and high frequencies both matter.
   */
  private static float[] target() {
    float[] noise = ImageParametrizationTest.uniform(SIZE * SIZE * 3, -0.1, 0.1, 3);
    float[] t = new float[noise.length];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        for (int c = 0; c < 3; c++) {
          int i = (y * SIZE + x) * 3 + c;
          double v =
              0.5
                  + 0.2 * Math.sin(2 * Math.PI * (x + 2 * c * y) / 37.0)
                  + 0.15 * (x - y) / SIZE
                  + noise[i];
          t[i] = (float) v;
        }
      }
    }
    return t;
  }

  /**
   * Steps until the mean absolute error is below the tolerance (checked every few steps), or STEPS
   * + 1.
   */
  private static int stepsToFit(ImageParametrization p, float[] target) {
    Shape shape = p.parameterShape();
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> params = tf.variable(shape, TFloat32.class);
      Variable<TFloat32> m = tf.variable(shape, TFloat32.class);
      Variable<TFloat32> v = tf.variable(shape, TFloat32.class);
      Placeholder<TFloat32> start = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      Operand<TFloat32> zeros = tf.fill(tf.constant(shape.asArray()), tf.constant(0f));
      Op init =
          tf.withControlDependencies(
                  List.of(tf.assign(params, start), tf.assign(m, zeros), tf.assign(v, zeros)))
              .noOp();
      Operand<TFloat32> read = tf.identity(params);
      Operand<TFloat32> image = p.image(tf, read);
      Operand<TFloat32> goal =
          tf.constant(Shape.of(1, SIZE, SIZE, 3), DataBuffers.of(target, true, false));
      Operand<TFloat32> loss =
          tf.math.mean(
              tf.math.square(tf.math.sub(image, goal)), tf.constant(new int[] {0, 1, 2, 3}));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad =
          (Operand<TFloat32>) g.addGradients(loss.asOutput(), new Output<?>[] {read.asOutput()})[0];
      Placeholder<TFloat32> b1 = tf.placeholder(TFloat32.class);
      Placeholder<TFloat32> b2 = tf.placeholder(TFloat32.class);
      Op update =
          tf.train.applyAdam(
              params,
              m,
              v,
              b1,
              b2,
              tf.constant(0.05f),
              tf.constant(0.9f),
              tf.constant(0.999f),
              tf.constant(1e-8f),
              grad);
      try (TFloat32 init0 =
          TFloat32.tensorOf(shape, DataBuffers.of(p.initialParameters(1), true, false))) {
        s.runner().feed(start, init0).addTarget(init).run();
      }
      for (int step = 1; step <= STEPS; step++) {
        try (TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(0.9, step));
            TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(0.999, step))) {
          s.runner().feed(b1, p1).feed(b2, p2).addTarget(update).run();
        }
        if (step % CHECK_EVERY == 0 && meanAbsoluteError(s, image, target) < TOLERANCE) {
          return step;
        }
      }
      return STEPS + 1;
    }
  }

  private static double meanAbsoluteError(Session s, Operand<TFloat32> image, float[] target) {
    try (Result r = s.runner().fetch(image).run()) {
      float[] out = ImageParametrizationTest.values((TFloat32) r.get(0));
      double sum = 0;
      for (int i = 0; i < out.length; i++) {
        sum += Math.abs(out[i] - target[i]);
      }
      return sum / out.length;
    }
  }
}
