package org.lucerna.optvis.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class TransformPipelineTest {
  /** One run's output: its run-time shape and values. */
  record Out(long[] shape, float[] values) {
    float at(int y, int x) {
      return values[(int) (y * shape[2] + x)];
    }
  }

  @Test
  void aConstantPadGrowsBy2nWithABorderOfExactlyHalf() {
    Out out = run(List.of(Transforms.pad(2)), Shape.of(1, 3, 4, 1), ones(12), 0);
    assertArrayEquals(new long[] {1, 7, 8, 1}, out.shape());
    for (int y = 0; y < 7; y++) {
      for (int x = 0; x < 8; x++) {
        boolean inside = y >= 2 && y < 5 && x >= 2 && x < 6;
        assertEquals(inside ? 1f : 0.5f, out.at(y, x), 0f, "at " + y + "," + x);
      }
    }
  }

  @Test
  void reflectPaddingOnesGivesOnesAndMirrorsWithoutTheEdge() {
    Out ones = run(List.of(Transforms.pad(2, PadMode.REFLECT)), Shape.of(1, 4, 5, 1), ones(20), 0);
    assertArrayEquals(new long[] {1, 8, 9, 1}, ones.shape());
    for (float v : ones.values()) {
      assertEquals(1f, v);
    }
    Out row = run(List.of(Transforms.pad(1, PadMode.REFLECT)), Shape.of(1, 2, 3, 1), new float[] {1, 2, 3, 4, 5, 6}, 0);
    assertArrayEquals(new float[] {5, 4, 5, 6, 5}, Arrays.copyOfRange(row.values(), 0, 5));
  }

  @Test
  void jitterShrinksEachSideByDAtTheDrawnOffsets() {
    float[] ramp = ramp(10 * 12);
    Set<Integer> offsetsSeen = new HashSet<>();
    for (long seed = 0; seed < 12; seed++) {
      Out out = run(List.of(Transforms.jitter(3)), Shape.of(1, 10, 12, 1), ramp, seed);
      assertArrayEquals(new long[] {1, 7, 9, 1}, out.shape());
      SplittableRandom same = new SplittableRandom(seed);
      int oy = same.nextInt(4);
      int ox = same.nextInt(4);
      offsetsSeen.add(oy * 4 + ox);
      for (int y = 0; y < 7; y++) {
        for (int x = 0; x < 9; x++) {
          assertEquals(ramp[(y + oy) * 12 + x + ox], out.at(y, x), 0f);
        }
      }
    }
    assertTrue(offsetsSeen.size() > 4, "offsets drawn " + offsetsSeen);
  }

  @Test
  void aQuarterTurnSendsTheRightColumnToTheTopRow() {
    // 0 1 2 / 3 4 5 / 6 7 8 turned counter-clockwise is 2 5 8 / 1 4 7 / 0 3 6.
    Out ccw = run(List.of(Transforms.rotate(90)), Shape.of(1, 3, 3, 1), ramp(9), 0);
    assertArrayEquals(new float[] {2, 5, 8, 1, 4, 7, 0, 3, 6}, ccw.values(), 0f);
    Out cw = run(List.of(Transforms.rotate(-90)), Shape.of(1, 3, 3, 1), ramp(9), 0);
    assertArrayEquals(new float[] {6, 3, 0, 7, 4, 1, 8, 5, 2}, cw.values(), 0f);
    Out half = run(List.of(Transforms.rotate(180)), Shape.of(1, 3, 3, 1), ramp(9), 0);
    assertArrayEquals(new float[] {8, 7, 6, 5, 4, 3, 2, 1, 0}, half.values(), 0f);
  }

  @Test
  void rotatedCornersMixInGrayAndTheCentreStays() {
    Out out = run(List.of(Transforms.rotate(45)), Shape.of(1, 5, 5, 1), ones(25), 0);
    assertEquals(1f, out.at(2, 2), 1e-6f);
    // The corner reads from 0.83 px above the top row: 0.83 of gray, 0.17 of image.
    double outsideWeight = 2 * Math.sqrt(2) - 2;
    assertEquals(outsideWeight * 0.5 + (1 - outsideWeight), out.at(0, 0), 1e-5);
  }

  @Test
  void scalingThreeByThreeByAThirdKeepsOnlyTheCentre() {
    Out small = run(List.of(Transforms.scale(0.33)), Shape.of(1, 3, 3, 1), ramp(9), 0);
    assertArrayEquals(new long[] {1, 1, 1, 1}, small.shape());
    assertEquals(4f, small.values()[0], 0f);
    Out big = run(List.of(Transforms.scale(2)), Shape.of(1, 1, 1, 2), new float[] {0.25f, 0.75f}, 0);
    assertArrayEquals(new long[] {1, 2, 2, 2}, big.shape());
    assertArrayEquals(new float[] {0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f}, big.values(), 0f);
  }

  @Test
  void rotationWorksOnTheDynamicSizeAfterAScale() {
    float[] ramp = ramp(3 * 3);
    Out scaleThenTurn = run(List.of(Transforms.scale(2), Transforms.rotate(90)), Shape.of(1, 3, 3, 1), ramp, 0);
    Out turnThenScale = run(List.of(Transforms.rotate(90), Transforms.scale(2)), Shape.of(1, 3, 3, 1), ramp, 0);
    assertArrayEquals(new long[] {1, 6, 6, 1}, scaleThenTurn.shape());
    assertArrayEquals(turnThenScale.values(), scaleThenTurn.values(), 1e-6f);
  }

  @Test
  void cropOrPadCentresTheImageInTheModelSize() {
    // 3 rows × 5 columns into 5 × 3: one gray row above and below, the middle three columns.
    Out out = run(List.of(), Shape.of(1, 3, 5, 1), ramp(15), 0, 5, 3, FitMode.CROP_OR_PAD);
    assertArrayEquals(new long[] {1, 5, 3, 1}, out.shape());
    assertArrayEquals(new float[] {.5f, .5f, .5f, 1, 2, 3, 6, 7, 8, 11, 12, 13, .5f, .5f, .5f}, out.values(), 0f);
  }

  @Test
  void theStandardListWithAFitGivesAStaticShapeAndAGradient() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Shape shape = Shape.of(2, 32, 32, 3);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      for (FitMode fit : FitMode.values()) {
        TransformPipeline p = TransformPipeline.build(tf, image, Transforms.standard(), 40, 36, fit);
        assertEquals(Shape.of(2, 40, 36, 3), p.output().shape(), fit.name());
        var grad = g.addGradients(tf.reduceSum(p.output(), tf.constant(new int[] {0, 1, 2, 3})).asOutput(),
            new org.tensorflow.Output<?>[] {image.asOutput()})[0];
        SplittableRandom random = new SplittableRandom(3);
        for (int step = 0; step < 5; step++) {
          List<AutoCloseable> toClose = new ArrayList<>();
          try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(ramp((int) shape.size()), true, false))) {
            Session.Runner runner = s.runner().feed(image, in).fetch(p.output()).fetch(grad);
            p.feed(runner, random, toClose);
            try (Result r = runner.run()) {
              float[] gradient = values((TFloat32) r.get(1));
              double sum = 0;
              for (float v : gradient) {
                sum += v;
              }
              assertTrue(sum > 100, fit + " step " + step + ": gradient sum " + sum);
            }
          } finally {
            closeAll(toClose);
          }
        }
      }
    }
  }

  @Test
  void gradientsOfSimpleTransformsCountHowOftenEachPixelIsRead() {
    // d(sum of output)/d(pixel): a quarter turn reads each pixel once, a crop-or-pad reads the kept ones,
    // a 1×1 image scaled by 2 is read four times.
    assertArrayEquals(ones(9), sumGradient(List.of(Transforms.rotate(90)), Shape.of(1, 3, 3, 1), 0, 0), 0f);
    assertArrayEquals(ones(9), sumGradient(List.of(Transforms.pad(2), Transforms.jitter(1)), Shape.of(1, 3, 3, 1),
        0, 0), 0f);
    assertArrayEquals(new float[] {4}, sumGradient(List.of(Transforms.scale(2)), Shape.of(1, 1, 1, 1), 0, 0), 0f);
    assertArrayEquals(new float[] {0, 1, 1, 1, 0}, sumGradient(List.of(), Shape.of(1, 1, 5, 1), 1, 3), 0f);
  }

  @Test
  void gradientsEqualTheChangeOfTheOutputWhenOnePixelChanges() {
    List<List<TransformSpec>> cases = List.of(
        List.of(Transforms.scale(1.5)),
        List.of(Transforms.scale(0.7)),
        List.of(Transforms.rotate(30)),
        List.of(Transforms.pad(1, PadMode.REFLECT), Transforms.scale(1.3), Transforms.rotate(-17), Transforms.jitter(1)),
        Transforms.standard());
    for (List<TransformSpec> specs : cases) {
      assertGradientMatchesDifferences(specs, 6, 6);
    }
  }

  /**
   * Every transform is affine in the image, so the objective's change when pixel i grows by 1 is exactly
   * its gradient at i. Batch element 0 is the base image, element 1 + i has pixel i raised; one draw
   * serves the whole batch, so every element goes through the same transform.
   */
  private static void assertGradientMatchesDifferences(List<TransformSpec> specs, int height, int width) {
    int n = height * width;
    Shape shape = Shape.of(n + 1, height, width, 1);
    float[] input = new float[(int) shape.size()];
    for (int b = 0; b <= n; b++) {
      for (int i = 0; i < n; i++) {
        input[b * n + i] = (float) (0.5 + 0.4 * Math.sin(i)) + (b == i + 1 ? 1 : 0);
      }
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p = TransformPipeline.build(tf, image, specs, 0, 0, FitMode.CROP_OR_PAD);
      var out = p.output();
      // Weights 0..6 repeating over one output image, the same for every batch element.
      var weightShape = tf.concat(List.of(tf.constant(new int[] {1}),
          tf.slice(tf.shape(out), tf.constant(new int[] {1}), tf.constant(new int[] {3}))), tf.constant(0));
      var count = tf.reduceProd(weightShape, tf.constant(0));
      var weights = tf.reshape(tf.dtypes.cast(tf.math.mod(tf.range(tf.constant(0), count, tf.constant(1)),
          tf.constant(7)), TFloat32.class), weightShape);
      var perImage = tf.reduceSum(tf.math.mul(out, weights), tf.constant(new int[] {1, 2, 3}));
      var first = tf.gather(perImage, tf.constant(0), tf.constant(0));
      var grad = g.addGradients(first.asOutput(), new org.tensorflow.Output<?>[] {image.asOutput()})[0];
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(input, true, false))) {
        Session.Runner runner = s.runner().feed(image, in).fetch(perImage).fetch(grad);
        p.feed(runner, new SplittableRandom(4), toClose);
        try (Result r = runner.run()) {
          float[] objectives = values((TFloat32) r.get(0));
          float[] gradient = values((TFloat32) r.get(1));
          double largest = 0;
          for (int i = 0; i < n; i++) {
            double difference = objectives[i + 1] - objectives[0];
            largest = Math.max(largest, Math.abs(difference));
            assertEquals(difference, gradient[i], 1e-3, specs + ": pixel " + i);
          }
          assertTrue(largest > 0.5, specs + ": the objective barely depends on the image");
        }
      } finally {
        closeAll(toClose);
      }
    }
  }

  private static float[] sumGradient(List<TransformSpec> specs, Shape shape, int fitHeight, int fitWidth) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p = TransformPipeline.build(tf, image, specs, fitHeight, fitWidth, FitMode.CROP_OR_PAD);
      var grad = g.addGradients(tf.reduceSum(p.output(), tf.constant(new int[] {0, 1, 2, 3})).asOutput(),
          new org.tensorflow.Output<?>[] {image.asOutput()})[0];
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(ones((int) shape.size()), true, false))) {
        Session.Runner runner = s.runner().feed(image, in).fetch(grad);
        p.feed(runner, new SplittableRandom(1), toClose);
        try (Result r = runner.run()) {
          return values((TFloat32) r.get(0));
        }
      } finally {
        closeAll(toClose);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameOutputBitForBit() {
    Shape shape = Shape.of(1, 24, 24, 3);
    float[] input = ramp((int) shape.size());
    for (int i = 0; i < input.length; i++) {
      input[i] = (input[i] % 97) / 97f;
    }
    Out a = run(Transforms.standard(), shape, input, 5, 24, 24, FitMode.CROP_OR_PAD);
    Out b = run(Transforms.standard(), shape, input, 5, 24, 24, FitMode.CROP_OR_PAD);
    Out c = run(Transforms.standard(), shape, input, 6, 24, 24, FitMode.CROP_OR_PAD);
    assertArrayEquals(a.values(), b.values());
    assertFalse(Arrays.equals(a.values(), c.values()));
  }

  @Test
  void anEmptyListIsNoTransform() {
    float[] input = ramp(2 * 3 * 4 * 2);
    Out out = run(List.of(), Shape.of(2, 3, 4, 2), input, 0);
    assertArrayEquals(input, out.values(), 0f);
  }

  @Test
  void eachTransformBuildsInItsOwnNamedScope() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 32, 32, 3)));
      TransformPipeline.build(tf, image, Transforms.standard(), 0, 0, FitMode.RESIZE);
      assertNotNull(g.operation("transform/pad/Pad"));
      assertNotNull(g.operation("transform/jitter/offsets"));
      assertNotNull(g.operation("transform/jitter_1/offsets"));
      assertNotNull(g.operation("transform/scale/factor"));
      assertNotNull(g.operation("transform/rotate/cos_sin"));
      assertNotNull(g.operation("transform/output"));
      // Before any random scale, sizes stay known while building.
      var before = TransformPipeline.build(tf, image, List.of(Transforms.pad(2), Transforms.jitter(3),
          Transforms.rotate(5)), 0, 0, FitMode.RESIZE);
      assertEquals(Shape.of(1, 33, 33, 3), before.output().shape());
      var after = TransformPipeline.build(tf, image, List.of(Transforms.scale(1.5), Transforms.jitter(3)),
          0, 0, FitMode.RESIZE);
      assertArrayEquals(new long[] {1, -1, -1, 3}, after.output().shape().asArray());
    }
  }

  @Test
  void impossibleSettingsSayWhatToChange() {
    IllegalArgumentException jitter = assertThrows(IllegalArgumentException.class,
        () -> run(List.of(Transforms.jitter(4)), Shape.of(1, 4, 8, 1), ones(32), 0));
    assertTrue(jitter.getMessage().contains("lower the jitter"), jitter.getMessage());
    IllegalArgumentException reflect = assertThrows(IllegalArgumentException.class,
        () -> run(List.of(Transforms.pad(3, PadMode.REFLECT)), Shape.of(1, 3, 8, 1), ones(24), 0));
    assertTrue(reflect.getMessage().contains("constant pad"), reflect.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Transforms.scale());
    assertThrows(IllegalArgumentException.class, () -> Transforms.scale(0));
    assertThrows(IllegalArgumentException.class, () -> Transforms.jitter(-1));
    assertThrows(IllegalArgumentException.class, () -> Transforms.rotate(Double.NaN));
    IllegalArgumentException fit = assertThrows(IllegalArgumentException.class,
        () -> run(List.of(), Shape.of(1, 2, 2, 1), ones(4), 0, 5, 0, FitMode.RESIZE));
    assertTrue(fit.getMessage().contains("both height and width"), fit.getMessage());
  }

  @Test
  void theStandardListIsLucids() {
    List<TransformSpec> standard = Transforms.standard();
    assertEquals(List.of("pad", "jitter", "scale", "rotate", "jitter"), standard.stream().map(TransformSpec::kind).toList());
    assertEquals(new TransformSpec.Pad(12, PadMode.CONSTANT, 0.5), standard.get(0));
    assertEquals(new TransformSpec.Jitter(8), standard.get(1));
    List<Double> scales = ((TransformSpec.RandomScale) standard.get(2)).factors();
    assertEquals(11, scales.size());
    assertEquals(0.90, scales.get(0), 1e-12);
    assertEquals(0.92, scales.get(1), 1e-12);
    assertEquals(1.10, scales.get(10), 1e-12);
    List<Double> angles = ((TransformSpec.RandomRotate) standard.get(3)).degrees();
    assertEquals(26, angles.size());
    assertEquals(6, angles.stream().filter(a -> a == 0).count());
    assertEquals(new TransformSpec.Jitter(4), standard.get(4));
  }

  private static Out run(List<TransformSpec> specs, Shape shape, float[] input, long seed) {
    return run(specs, shape, input, seed, 0, 0, FitMode.CROP_OR_PAD);
  }

  private static Out run(List<TransformSpec> specs, Shape shape, float[] input, long seed,
                         int fitHeight, int fitWidth, FitMode fit) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p = TransformPipeline.build(tf, image, specs, fitHeight, fitWidth, fit);
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(input, true, false))) {
        Session.Runner runner = s.runner().feed(image, in).fetch(p.output());
        p.feed(runner, new SplittableRandom(seed), toClose);
        try (Result r = runner.run()) {
          TFloat32 t = (TFloat32) r.get(0);
          return new Out(t.shape().asArray(), values(t));
        }
      } finally {
        closeAll(toClose);
      }
    }
  }

  private static void closeAll(List<AutoCloseable> toClose) {
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static float[] values(TFloat32 t) {
    float[] v = new float[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    Arrays.fill(v, 1f);
    return v;
  }

  private static float[] ramp(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return v;
  }
}
