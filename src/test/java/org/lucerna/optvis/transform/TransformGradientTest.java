package org.lucerna.optvis.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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

/** Every op on the image path has a gradient, and it is the right one. */
class TransformGradientTest {
  @Test
  void theStandardListWithAFitGivesAStaticShapeAndAGradient() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Shape shape = Shape.of(2, 32, 32, 3);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      for (FitMode fit : FitMode.values()) {
        TransformPipeline p =
            TransformPipeline.build(tf, image, Transforms.standard(), 40, 36, fit);
        assertEquals(Shape.of(2, 40, 36, 3), p.output().shape(), fit.name());
        var grad =
            g.addGradients(
                    tf.reduceSum(p.output(), tf.constant(new int[] {0, 1, 2, 3})).asOutput(),
                    new Output<?>[] {image.asOutput()})[0];
        SplittableRandom random = new SplittableRandom(3);
        for (int step = 0; step < 5; step++) {
          List<AutoCloseable> toClose = new ArrayList<>();
          try (TFloat32 in =
              TFloat32.tensorOf(
                  shape, DataBuffers.of(TestTensors.ramp((int) shape.size()), true, false))) {
            Session.Runner runner = s.runner().feed(image, in).fetch(p.output()).fetch(grad);
            p.feed(runner, random, toClose);
            try (Result r = runner.run()) {
              float[] gradient = TestTensors.values((TFloat32) r.get(1));
              double sum = 0;
              for (float v : gradient) {
                sum += v;
              }
              assertTrue(sum > 100, fit + " step " + step + ": gradient sum " + sum);
            }
          } finally {
            TestTensors.closeAll(toClose);
          }
        }
      }
    }
  }

  @Test
  void gradientsOfSimpleTransformsCountHowOftenEachPixelIsRead() {
    // d(sum of output)/d(pixel): a quarter turn reads each pixel once, a crop-or-pad reads the kept
    // ones,
    // a 1×1 image scaled by 2 is read four times.
    assertArrayEquals(
        TestTensors.ones(9),
        sumGradient(List.of(Transforms.rotate(90)), Shape.of(1, 3, 3, 1), 0, 0),
        0f);
    assertArrayEquals(
        TestTensors.ones(9),
        sumGradient(List.of(Transforms.pad(2), Transforms.jitter(1)), Shape.of(1, 3, 3, 1), 0, 0),
        0f);
    assertArrayEquals(
        new float[] {4}, sumGradient(List.of(Transforms.scale(2)), Shape.of(1, 1, 1, 1), 0, 0), 0f);
    assertArrayEquals(
        new float[] {0, 1, 1, 1, 0}, sumGradient(List.of(), Shape.of(1, 1, 5, 1), 1, 3), 0f);
  }

  @Test
  void gradientsEqualTheChangeOfTheOutputWhenOnePixelChanges() {
    List<List<TransformSpec>> cases =
        List.of(
            List.of(Transforms.scale(1.5)),
            List.of(Transforms.scale(0.7)),
            List.of(Transforms.rotate(30)),
            List.of(
                Transforms.pad(1, PadMode.REFLECT),
                Transforms.scale(1.3),
                Transforms.rotate(-17),
                Transforms.jitter(1)),
            Transforms.standard(),
            List.of(new Crops(3, List.of(0.5, 1.0))),
            // Crops on a size known only at run time.
            List.of(Transforms.scale(1.3), new Crops(2, List.of(0.7, 1.0))));
    for (List<TransformSpec> specs : cases) {
      assertGradientMatchesDifferences(specs, 6, 6);
    }
  }

  /**
   * Every transform is affine in the image, so the objective's change when pixel i grows by 1 is
   * exactly its gradient at i. Batch element 0 is the base image, element 1 + i has pixel i raised;
   * one draw serves the whole batch, so every element goes through the same transform.
   */
  private static void assertGradientMatchesDifferences(
      List<TransformSpec> specs, int height, int width) {
    int n = height * width;
    Shape shape = Shape.of(n + 1, height, width, 1);
    float[] input = new float[(int) shape.size()];
    for (int b = 0; b <= n; b++) {
      for (int i = 0; i < n; i++) {
        input[b * n + i] = (float) (0.5 + 0.4 * Math.sin(i)) + (b == i + 1 ? 1 : 0);
      }
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p = TransformPipeline.build(tf, image, specs, 0, 0, FitMode.CROP_OR_PAD);
      var out = p.output();
      // Weights 0..6 repeating over one output image, the same for every batch element.
      var weightShape =
          tf.concat(
              List.of(
                  tf.constant(new int[] {1}),
                  tf.slice(tf.shape(out), tf.constant(new int[] {1}), tf.constant(new int[] {3}))),
              tf.constant(0));
      var count = tf.reduceProd(weightShape, tf.constant(0));
      var weights =
          tf.reshape(
              tf.dtypes.cast(
                  tf.math.mod(tf.range(tf.constant(0), count, tf.constant(1)), tf.constant(7)),
                  TFloat32.class),
              weightShape);
      var perImage = tf.reduceSum(tf.math.mul(out, weights), tf.constant(new int[] {1, 2, 3}));
      var first = tf.gather(perImage, tf.constant(0), tf.constant(0));
      var grad = g.addGradients(first.asOutput(), new Output<?>[] {image.asOutput()})[0];
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(input, true, false))) {
        Session.Runner runner = s.runner().feed(image, in).fetch(perImage).fetch(grad);
        p.feed(runner, new SplittableRandom(4), toClose);
        try (Result r = runner.run()) {
          float[] objectives = TestTensors.values((TFloat32) r.get(0));
          float[] gradient = TestTensors.values((TFloat32) r.get(1));
          double largest = 0;
          for (int i = 0; i < n; i++) {
            double difference = objectives[i + 1] - objectives[0];
            largest = Math.max(largest, Math.abs(difference));
            assertEquals(difference, gradient[i], 1e-3, specs + ": pixel " + i);
          }
          assertTrue(largest > 0.5, specs + ": the objective barely depends on the image");
        }
      } finally {
        TestTensors.closeAll(toClose);
      }
    }
  }

  private static float[] sumGradient(
      List<TransformSpec> specs, Shape shape, int fitHeight, int fitWidth) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p =
          TransformPipeline.build(tf, image, specs, fitHeight, fitWidth, FitMode.CROP_OR_PAD);
      var grad =
          g.addGradients(
                  tf.reduceSum(p.output(), tf.constant(new int[] {0, 1, 2, 3})).asOutput(),
                  new Output<?>[] {image.asOutput()})[0];
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in =
          TFloat32.tensorOf(
              shape, DataBuffers.of(TestTensors.ones((int) shape.size()), true, false))) {
        Session.Runner runner = s.runner().feed(image, in).fetch(grad);
        p.feed(runner, new SplittableRandom(1), toClose);
        try (Result r = runner.run()) {
          return TestTensors.values((TFloat32) r.get(0));
        }
      } finally {
        TestTensors.closeAll(toClose);
      }
    }
  }
}
