package org.lucerna.optvis.transform;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
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
 * Milliseconds of the crops alone, forward and the image's gradient, as matrix products ({@link
 * CropSampling}) against TensorFlow's CropAndResize they replaced: MACO's boxes on one image of
 * {@code size} px resized to {@code out} px. The two take turns, {@code rounds} rounds of {@code
 * reps} runs after one untimed round, so that the machine's drift falls on both; medians of the
 * rounds. Not a test:
 *
 * <pre>
 * TF_ENABLE_ONEDNN_OPTS=1 java -cp target/classes:target/test-classes:$(cat target/test.cp) \
 *     org.lucerna.optvis.transform.CropsBenchmark [size out count rounds reps]
 * </pre>
 *
 * (defaults 224 299 32 5 3: MACO on InceptionV3).
 */
public final class CropsBenchmark {
  private CropsBenchmark() {}

  public static void main(String[] args) {
    int[] a = {224, 299, 32, 5, 3};
    for (int i = 0; i < Math.min(args.length, a.length); i++) {
      a[i] = Integer.parseInt(args[i]);
    }
    int size = a[0];
    int out = a[1];
    int count = a[2];
    int rounds = a[3];
    int reps = a[4];
    Shape shape = Shape.of(1, size, size, 3);
    float[] boxes = new Crops(count, List.of(0.05, 0.5)).draw(new SplittableRandom(1), 0.3, 1, 1);
    float[] pixels = new float[(int) shape.size()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (0.5 + 0.4 * Math.sin(i));
    }
    try (Graph g = new Graph();
        Session s = new Session(g);
        TFloat32 in = TFloat32.tensorOf(shape, DataBuffers.of(pixels, true, false))) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      Operand<TFloat32> box = tf.constant(Shape.of(count, 4), DataBuffers.of(boxes, true, false));
      List<Operand<TFloat32>> crops =
          List.of(
              tf.image.cropAndResize(
                  image,
                  box,
                  tf.constant(new int[count]),
                  tf.constant(new int[] {out, out}),
                  CropAndResize.extrapolationValue((float) Transforms.GRAY)),
              CropSampling.crop(tf, image, box, count, tf.constant(out), tf.constant(out)));
      String[] names = {"crop_and_resize", "matrices"};
      Output<?>[] gradients = new Output<?>[2];
      for (int v = 0; v < 2; v++) {
        Operand<TFloat32> c = crops.get(v);
        Operand<TFloat32> sum =
            tf.reduceSum(
                tf.math.mul(c, tf.stopGradient(tf.math.sin(c))),
                tf.constant(new int[] {0, 1, 2, 3}));
        gradients[v] = g.addGradients(sum.asOutput(), new Output<?>[] {image.asOutput()})[0];
      }
      double[][] ms = new double[2][rounds];
      for (int r = -1; r < rounds; r++) {
        for (int v = 0; v < 2; v++) {
          long start = System.nanoTime();
          for (int i = 0; i < reps; i++) {
            try (Result unused = s.runner().feed(image, in).fetch(gradients[v]).run()) {
              // Only the time counts.
            }
          }
          if (r >= 0) {
            ms[v][r] = (System.nanoTime() - start) / 1e6 / reps;
          }
        }
      }
      StringBuilder line = new StringBuilder();
      for (int v = 0; v < 2; v++) {
        double[] sorted = ms[v].clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s rounds (ms): %s%n", names[v], Arrays.toString(ms[v]));
        line.append(String.format(Locale.ROOT, "%s_ms=%.1f ", names[v], sorted[rounds / 2]));
      }
      System.out.println(
          line.append(String.format(Locale.ROOT, "image=%d out=%d count=%d", size, out, count)));
    }
  }
}
