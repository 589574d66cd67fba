package org.lucerna.optvis.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** MACO's crops and noise: shapes, draws, gradients. */
class CropsAndNoiseTest {
  @Test
  void cropsBecomeBatchElementsOfTheModelsInputSize() {
    Shape shape = Shape.of(2, 20, 30, 3);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p =
          TransformPipeline.build(tf, image, Transforms.maco(), 16, 12, FitMode.RESIZE);
      assertEquals(32, p.batchFactor());
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in =
          TFloat32.tensorOf(
              shape, DataBuffers.of(TestTensors.ones((int) shape.size()), true, false))) {
        Session.Runner r = s.runner().feed(image, in).fetch(p.output());
        p.feed(r, new SplittableRandom(1), toClose, 0.5);
        try (Result out = r.run()) {
          assertEquals(Shape.of(64, 16, 12, 3), out.get(0).shape());
        }
      } finally {
        TestTensors.closeAll(toClose);
      }
    }
  }

  @Test
  void theMeanSideShrinksLinearlyFromTheLargerToTheSmallerAndBoxesAreSquareInPixels() {
    Crops crops = new Crops(64, List.of(0.05, 0.5));
    double[] expected = {0.5, 0.275, 0.05};
    double[] progress = {0, 0.5, 1};
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < 3; i++) {
      double sides = 0;
      double centres = 0;
      for (int k = 0; k < 4096; k++) {
        float[] b = crops.draw(random, progress[i], 0.5, 1);
        k += 63;
        for (int c = 0; c < 64; c++) {
          int at = 4 * c;
          double h = b[at + 2] - b[at];
          double w = b[at + 3] - b[at + 1];
          assertEquals(h, w * 0.5, 1e-5);
          sides += w;
          centres += (b[at] + b[at + 2]) / 2;
        }
      }
      assertEquals(expected[i], sides / 4096, i == 2 ? 0.025 : 0.005, "progress " + progress[i]);
      assertEquals(0.5, centres / 4096, 0.01);
    }
  }

  @Test
  void cropGradientsEqualTheChangeOfTheOutputWhenOnePixelChanges() {
    // Crops are linear in the image, so a pixel's finite difference of 1 is exactly its gradient.
    int h = 5;
    int w = 6;
    int n = h * w;
    Shape shape = Shape.of(1, h, w, 1);
    float[] base = new float[n];
    for (int i = 0; i < n; i++) {
      base[i] = (float) (0.5 + 0.4 * Math.sin(i));
    }
    List<TransformSpec> specs = List.of(new Crops(3, List.of(0.3, 0.9)));
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p = TransformPipeline.build(tf, image, specs, 7, 7, FitMode.RESIZE);
      float[] weights = new float[3 * 7 * 7];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = (i * 7) % 11 - 5;
      }
      var value =
          tf.reduceSum(
              tf.math.mul(
                  p.output(),
                  tf.constant(Shape.of(3, 7, 7, 1), DataBuffers.of(weights, true, false))),
              tf.constant(new int[] {0, 1, 2, 3}));
      Output<?> grad = g.addGradients(value.asOutput(), new Output<?>[] {image.asOutput()})[0];
      float[] analytic = run(s, image, shape, base, p, grad);
      double at = run(s, image, shape, base, p, value.asOutput())[0];
      double moved = 0;
      for (int i = 0; i < n; i++) {
        float[] up = base.clone();
        up[i] += 1;
        double diff = run(s, image, shape, up, p, value.asOutput())[0] - at;
        assertEquals(diff, analytic[i], 1e-3 * Math.max(1, Math.abs(diff)), "pixel " + i);
        moved += Math.abs(analytic[i]);
      }
      assertTrue(moved > 1, "the crops read the image: " + moved);
    }
  }

  /** Runs with the same draw (seed 4, halfway) every time. */
  private static float[] run(
      Session s,
      Placeholder<TFloat32> image,
      Shape shape,
      float[] values,
      TransformPipeline p,
      Output<?> out) {
    List<AutoCloseable> toClose = new ArrayList<>();
    try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false))) {
      Session.Runner r = s.runner().feed(image, in).fetch(out);
      p.feed(r, new SplittableRandom(4), toClose, 0.5);
      try (Result res = r.run()) {
        return TestTensors.values((TFloat32) res.get(0));
      }
    } finally {
      TestTensors.closeAll(toClose);
    }
  }

  @Test
  void noiseHasTheSpreadOfANormalPlusAUniformRepeatsWithTheSeedAndPassesTheGradient() {
    Shape shape = Shape.of(2, 64, 64, 3);
    int n = (int) shape.size();
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p =
          TransformPipeline.build(tf, image, List.of(new Noise(0.08)), 0, 0, FitMode.RESIZE);
      var value = tf.reduceSum(p.output(), tf.constant(new int[] {0, 1, 2, 3}));
      Output<?> grad = g.addGradients(value.asOutput(), new Output<?>[] {image.asOutput()})[0];
      float[] zeros = new float[n];
      float[] a = run(s, image, shape, zeros, p, p.output().asOutput());
      float[] b = run(s, image, shape, zeros, p, p.output().asOutput());
      assertArrayEquals(a, b, 0f);
      double mean = Arrays.stream(toDoubles(a)).average().orElseThrow();
      double sd =
          Math.sqrt(Arrays.stream(toDoubles(a)).map(v -> (v - mean) * (v - mean)).sum() / n);
      assertEquals(0, mean, 0.002);
      assertEquals(0.08 * Math.sqrt(1 + 1 / 12.0), sd, 0.002);
      assertArrayEquals(TestTensors.ones(n), run(s, image, shape, zeros, p, grad), 0f);
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(zeros, true, false))) {
        Session.Runner r = s.runner().feed(image, in).fetch(p.output());
        p.feed(r, new SplittableRandom(5), toClose);
        try (Result res = r.run()) {
          assertFalse(Arrays.equals(a, TestTensors.values((TFloat32) res.get(0))));
        }
      } finally {
        TestTensors.closeAll(toClose);
      }
    }
  }

  @Test
  void readsAndWritesTheMacoPresetAndRefusesBadSettings() {
    assertEquals("maco", new TransformList(Transforms.maco()).json());
    assertEquals(List.of(new Crops(32, List.of(0.05, 0.5)), new Noise(0.08)), Transforms.maco());
    assertThrows(IllegalArgumentException.class, () -> new Crops(0, List.of(0.1, 0.2)));
    assertThrows(IllegalArgumentException.class, () -> new Crops(65, List.of(0.1, 0.2)));
    assertThrows(IllegalArgumentException.class, () -> new Crops(4, List.of(0.1)));
    assertThrows(IllegalArgumentException.class, () -> new Crops(4, List.of(0.0, 0.2)));
    assertThrows(IllegalArgumentException.class, () -> new Noise(-1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Transforms.checkFits(
                List.of(new Crops(8, List.of(0.1, 0.2)), new Crops(9, List.of(0.1, 0.2))), 64));
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
