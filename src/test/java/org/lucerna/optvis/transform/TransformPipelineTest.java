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
    Out out = run(List.of(Transforms.pad(2)), Shape.of(1, 3, 4, 1), TestTensors.ones(12), 0);
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
    Out ones =
        run(
            List.of(Transforms.pad(2, PadMode.REFLECT)),
            Shape.of(1, 4, 5, 1),
            TestTensors.ones(20),
            0);
    assertArrayEquals(new long[] {1, 8, 9, 1}, ones.shape());
    for (float v : ones.values()) {
      assertEquals(1f, v);
    }
    Out row =
        run(
            List.of(Transforms.pad(1, PadMode.REFLECT)),
            Shape.of(1, 2, 3, 1),
            new float[] {1, 2, 3, 4, 5, 6},
            0);
    assertArrayEquals(new float[] {5, 4, 5, 6, 5}, Arrays.copyOfRange(row.values(), 0, 5));
  }

  @Test
  void jitterShrinksEachSideByDAtTheDrawnOffsets() {
    float[] ramp = TestTensors.ramp(10 * 12);
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
    Out ccw = run(List.of(Transforms.rotate(90)), Shape.of(1, 3, 3, 1), TestTensors.ramp(9), 0);
    assertArrayEquals(new float[] {2, 5, 8, 1, 4, 7, 0, 3, 6}, ccw.values(), 0f);
    Out cw = run(List.of(Transforms.rotate(-90)), Shape.of(1, 3, 3, 1), TestTensors.ramp(9), 0);
    assertArrayEquals(new float[] {6, 3, 0, 7, 4, 1, 8, 5, 2}, cw.values(), 0f);
    Out half = run(List.of(Transforms.rotate(180)), Shape.of(1, 3, 3, 1), TestTensors.ramp(9), 0);
    assertArrayEquals(new float[] {8, 7, 6, 5, 4, 3, 2, 1, 0}, half.values(), 0f);
  }

  @Test
  void rotatedCornersMixInGrayAndTheCentreStays() {
    Out out = run(List.of(Transforms.rotate(45)), Shape.of(1, 5, 5, 1), TestTensors.ones(25), 0);
    assertEquals(1f, out.at(2, 2), 1e-6f);
    // The corner reads from 0.83 px above the top row: 0.83 of gray, 0.17 of image.
    double outsideWeight = 2 * Math.sqrt(2) - 2;
    assertEquals(outsideWeight * 0.5 + (1 - outsideWeight), out.at(0, 0), 1e-5);
  }

  @Test
  void scalingThreeByThreeByAThirdKeepsOnlyTheCentre() {
    Out small = run(List.of(Transforms.scale(0.33)), Shape.of(1, 3, 3, 1), TestTensors.ramp(9), 0);
    assertArrayEquals(new long[] {1, 1, 1, 1}, small.shape());
    assertEquals(4f, small.values()[0], 0f);
    Out big =
        run(List.of(Transforms.scale(2)), Shape.of(1, 1, 1, 2), new float[] {0.25f, 0.75f}, 0);
    assertArrayEquals(new long[] {1, 2, 2, 2}, big.shape());
    assertArrayEquals(
        new float[] {0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f}, big.values(), 0f);
  }

  @Test
  void rotationWorksOnTheDynamicSizeAfterAScale() {
    float[] ramp = TestTensors.ramp(3 * 3);
    Out scaleThenTurn =
        run(List.of(Transforms.scale(2), Transforms.rotate(90)), Shape.of(1, 3, 3, 1), ramp, 0);
    Out turnThenScale =
        run(List.of(Transforms.rotate(90), Transforms.scale(2)), Shape.of(1, 3, 3, 1), ramp, 0);
    assertArrayEquals(new long[] {1, 6, 6, 1}, scaleThenTurn.shape());
    assertArrayEquals(turnThenScale.values(), scaleThenTurn.values(), 1e-6f);
  }

  @Test
  void cropOrPadCentresTheImageInTheModelSize() {
    // 3 rows × 5 columns into 5 × 3: one gray row above and below, the middle three columns.
    Out out =
        run(List.of(), Shape.of(1, 3, 5, 1), TestTensors.ramp(15), 0, 5, 3, FitMode.CROP_OR_PAD);
    assertArrayEquals(new long[] {1, 5, 3, 1}, out.shape());
    assertArrayEquals(
        new float[] {.5f, .5f, .5f, 1, 2, 3, 6, 7, 8, 11, 12, 13, .5f, .5f, .5f}, out.values(), 0f);
  }

  @Test
  void theSameSeedGivesTheSameOutputBitForBit() {
    Shape shape = Shape.of(1, 24, 24, 3);
    float[] input = TestTensors.ramp((int) shape.size());
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
    float[] input = TestTensors.ramp(2 * 3 * 4 * 2);
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
      var before =
          TransformPipeline.build(
              tf,
              image,
              List.of(Transforms.pad(2), Transforms.jitter(3), Transforms.rotate(5)),
              0,
              0,
              FitMode.RESIZE);
      assertEquals(Shape.of(1, 33, 33, 3), before.output().shape());
      var after =
          TransformPipeline.build(
              tf,
              image,
              List.of(Transforms.scale(1.5), Transforms.jitter(3)),
              0,
              0,
              FitMode.RESIZE);
      assertArrayEquals(new long[] {1, -1, -1, 3}, after.output().shape().asArray());
    }
  }

  @Test
  void impossibleSettingsSayWhatToChange() {
    IllegalArgumentException jitter =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                run(List.of(Transforms.jitter(4)), Shape.of(1, 4, 8, 1), TestTensors.ones(32), 0));
    assertTrue(jitter.getMessage().contains("lower the jitter"), jitter.getMessage());
    IllegalArgumentException reflect =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                run(
                    List.of(Transforms.pad(3, PadMode.REFLECT)),
                    Shape.of(1, 3, 8, 1),
                    TestTensors.ones(24),
                    0));
    assertTrue(reflect.getMessage().contains("constant pad"), reflect.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Transforms.scale());
    assertThrows(IllegalArgumentException.class, () -> Transforms.scale(0));
    assertThrows(IllegalArgumentException.class, () -> Transforms.jitter(-1));
    assertThrows(IllegalArgumentException.class, () -> Transforms.rotate(Double.NaN));
    IllegalArgumentException fit =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                run(List.of(), Shape.of(1, 2, 2, 1), TestTensors.ones(4), 0, 5, 0, FitMode.RESIZE));
    assertTrue(fit.getMessage().contains("both height and width"), fit.getMessage());
  }

  @Test
  void theStandardListIsLucids() {
    List<TransformSpec> standard = Transforms.standard();
    assertEquals(
        List.of("pad", "jitter", "scale", "rotate", "jitter"),
        standard.stream().map(TransformSpec::kind).toList());
    assertEquals(new Pad(12, PadMode.CONSTANT, 0.5), standard.get(0));
    assertEquals(new Jitter(8), standard.get(1));
    List<Double> scales = ((RandomScale) standard.get(2)).factors();
    assertEquals(11, scales.size());
    assertEquals(0.90, scales.get(0), 1e-12);
    assertEquals(0.92, scales.get(1), 1e-12);
    assertEquals(1.10, scales.get(10), 1e-12);
    List<Double> angles = ((RandomRotate) standard.get(3)).degrees();
    assertEquals(26, angles.size());
    assertEquals(6, angles.stream().filter(a -> a == 0).count());
    assertEquals(new Jitter(4), standard.get(4));
  }

  private static Out run(List<TransformSpec> specs, Shape shape, float[] input, long seed) {
    return run(specs, shape, input, seed, 0, 0, FitMode.CROP_OR_PAD);
  }

  private static Out run(
      List<TransformSpec> specs,
      Shape shape,
      float[] input,
      long seed,
      int fitHeight,
      int fitWidth,
      FitMode fit) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      TransformPipeline p = TransformPipeline.build(tf, image, specs, fitHeight, fitWidth, fit);
      List<AutoCloseable> toClose = new ArrayList<>();
      try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(input, true, false))) {
        Session.Runner runner = s.runner().feed(image, in).fetch(p.output());
        p.feed(runner, new SplittableRandom(seed), toClose);
        try (Result r = runner.run()) {
          TFloat32 t = (TFloat32) r.get(0);
          return new Out(t.shape().asArray(), TestTensors.values(t));
        }
      } finally {
        TestTensors.closeAll(toClose);
      }
    }
  }
}
