package org.lucerna.optvis.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.CropAndResize;
import org.tensorflow.types.TFloat32;

/**
 * The crops as matrix products against TensorFlow's CropAndResize, which they replace: the same
 * values and the same gradient, and unlike it the same gradient bits on every run.
 */
class CropSamplingTest {
  @Test
  void theCropsAndTheirGradientEqualCropAndResizeAlsoWhereBoxesReachOutside() {
    // Sides up to the whole image around centres N(0.5, 0.15): many boxes reach outside.
    Crops crops = new Crops(8, List.of(0.6, 1.0));
    float[] drawn = crops.draw(new SplittableRandom(7), 0.3, 13 / 17.0, 1);
    // Flipped, beyond every side, a point, and a box wholly outside, besides the drawn ones.
    float[] odd = {0.9f, 0.8f, 0.1f, 0.2f, -0.4f, -0.3f, 1.3f, 1.6f, 0.5f, 0.5f, 0.5f, 0.5f};
    float[] far = {1.2f, -0.9f, 1.7f, -0.2f};
    float[] boxes = concat(drawn, odd, far);
    int outside = 0;
    for (float v : drawn) {
      outside += v < 0 || v > 1 ? 1 : 0;
    }
    assertTrue(outside >= 3, "drawn boxes reaching outside: " + outside);
    int count = boxes.length / 4;
    Shape shape = Shape.of(2, 13, 17, 3);
    // Crops smaller and larger than the image, a single row, a single pixel.
    int[][] sizes = {{9, 11}, {20, 31}, {1, 6}, {1, 1}};
    for (int[] size : sizes) {
      Compared c = compare(shape, shape, boxes, count, size[0], size[1]);
      assertEquals(count * 2 * size[0] * size[1] * 3, c.ours.length);
      assertArrayEquals(c.theirs, c.ours, 1e-5f, size[0] + "×" + size[1]);
      assertGradientsClose(c, size[0] + "×" + size[1]);
    }
    // The size known only at run time (after a random scale), crops at the image's size.
    Compared dynamic = compare(Shape.of(2, -1, -1, 3), shape, boxes, count, 0, 0);
    assertArrayEquals(dynamic.theirs, dynamic.ours, 1e-5f);
    assertGradientsClose(dynamic, "dynamic");
    int gray = 0;
    for (float v : dynamic.ours) {
      gray += v == (float) Transforms.GRAY ? 1 : 0;
    }
    assertTrue(gray > dynamic.ours.length / 10, "gray outside the image: " + gray);
  }

  @Test
  void theGradientHasTheSameBitsOnEveryRun() {
    // MACO's 32 crops at the model's size from a larger image: many crops overlap every pixel.
    Shape shape = Shape.of(2, 64, 64, 3);
    float[] boxes = new Crops(32, List.of(0.3, 0.8)).draw(new SplittableRandom(3), 0.2, 1, 1);
    Compared first = compare(shape, shape, boxes, 32, 48, 48);
    for (int run = 0; run < 4; run++) {
      Compared again = compare(shape, shape, boxes, 32, 48, 48);
      assertArrayEquals(first.ours, again.ours, 0f, "run " + run);
      assertArrayEquals(first.ourGradient, again.ourGradient, 0f, "run " + run);
    }
  }

  /**
   * Gradients up to float rounding: each pixel's sum of many crop weights, added in another order,
   * so within a few units of the last place of the largest.
   */
  private static void assertGradientsClose(Compared c, String what) {
    float largest = 0;
    for (float v : c.theirGradient) {
      largest = Math.max(largest, Math.abs(v));
    }
    assertTrue(largest > 1, what + ": the crops read the image");
    assertArrayEquals(c.theirGradient, c.ourGradient, 4e-6f * largest, what);
  }

  private record Compared(
      float[] ours, float[] theirs, float[] ourGradient, float[] theirGradient) {}

  /**
   * Both crops of {@code count} boxes at {@code height × width} (the image's size for 0), on an
   * image whose placeholder has {@code declared} shape and whose values have {@code shape}, and the
   * gradients of one weighted sum of each.
   */
  private static Compared compare(
      Shape declared, Shape shape, float[] boxes, int count, int height, int width) {
    int batch = (int) shape.get(0);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(declared));
      Operand<TFloat32> box = tf.constant(Shape.of(count, 4), DataBuffers.of(boxes, true, false));
      Operand<TFloat32> ours =
          CropSampling.crop(
              tf,
              image,
              box,
              count,
              height > 0
                  ? tf.constant(height)
                  : tf.gather(tf.shape(image), tf.constant(1), tf.constant(0)),
              width > 0
                  ? tf.constant(width)
                  : tf.gather(tf.shape(image), tf.constant(2), tf.constant(0)));
      float[] tiled = new float[count * batch * 4];
      int[] index = new int[count * batch];
      for (int i = 0; i < index.length; i++) {
        System.arraycopy(boxes, 4 * (i / batch), tiled, 4 * i, 4);
        index[i] = i % batch;
      }
      // One CropAndResize a box: its CPU gradient lets boxes of one op add into a pixel at once
      // (a race: a run lost about 1% of a pixel's sum), so the reference has one box an op and
      // the gradients of the ops are summed by the graph.
      Operand<org.tensorflow.types.TInt32> size =
          height > 0
              ? tf.constant(new int[] {height, width})
              : tf.slice(tf.shape(image), tf.constant(new int[] {1}), tf.constant(new int[] {2}));
      List<Operand<TFloat32>> each = new java.util.ArrayList<>();
      for (int i = 0; i < index.length; i++) {
        each.add(
            tf.image.cropAndResize(
                image,
                tf.constant(
                    Shape.of(1, 4),
                    DataBuffers.of(
                        java.util.Arrays.copyOfRange(tiled, 4 * i, 4 * i + 4), true, false)),
                tf.constant(new int[] {index[i]}),
                size,
                CropAndResize.extrapolationValue((float) Transforms.GRAY)));
      }
      Operand<TFloat32> theirs = tf.concat(each, tf.constant(0));
      Output<?> ourGradient = gradient(tf, g, ours, image);
      Output<?> theirGradient = gradient(tf, g, theirs, image);
      float[] values = new float[(int) shape.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (0.5 + 0.45 * Math.sin(0.7 * i));
      }
      try (TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
          Result r =
              s.runner()
                  .feed(image, in)
                  .fetch(ours)
                  .fetch(theirs)
                  .fetch(ourGradient)
                  .fetch(theirGradient)
                  .run()) {
        float[][] out = new float[4][];
        for (int i = 0; i < 4; i++) {
          out[i] = TestTensors.values((TFloat32) r.get(i));
        }
        return new Compared(out[0], out[1], out[2], out[3]);
      }
    }
  }

  /** The gradient of the crops weighted by 1…7 repeating, so that every position counts. */
  private static Output<?> gradient(
      Ops tf, Graph g, Operand<TFloat32> crops, Operand<TFloat32> image) {
    Operand<TFloat32> weights =
        tf.reshape(
            tf.dtypes.cast(
                tf.math.add(
                    tf.math.mod(
                        tf.range(tf.constant(0), tf.size(crops), tf.constant(1)), tf.constant(7)),
                    tf.constant(1)),
                TFloat32.class),
            tf.shape(crops));
    Operand<TFloat32> sum =
        tf.reduceSum(tf.math.mul(crops, weights), tf.constant(new int[] {0, 1, 2, 3}));
    return g.addGradients(sum.asOutput(), new Output<?>[] {image.asOutput()})[0];
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}
