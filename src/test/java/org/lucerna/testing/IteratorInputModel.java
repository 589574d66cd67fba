package org.lucerna.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A TF1-style SavedModel shaped like the export of a model trained from a {@code tf.data} iterator:
 * its serving input is {@code IteratorGetNext:0} of shape {@code [-1, 32, 64, -1]}, the channel
 * count left free, scaled ({@code x * 2 - 1}) before the first convolution reads it. No public
 * SavedModel of this shape with a license was found, so the tests build one.
 *
 * <p>Layers (TF1 scopes): {@code stem/conv} (3 → 8, 3×3, ReLU), {@code block/conv} (8 → 8), and
 * {@code logits} (global mean + dense 8 → 4). Two layers share the short name {@code conv}. Without
 * convolutions ({@code withConvolutions == false}) the graph is {@code stem/act = Relu(x)} and a
 * mean: nothing in it tells the channel count.
 */
public final class IteratorInputModel {
  public static final String INPUT = "IteratorGetNext";

  private IteratorInputModel() {}

  /** Writes the model into {@code dir} (which must not exist yet). */
  public static void write(Path dir, boolean withConvolutions) {
    SplittableRandom random = new SplittableRandom(15);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input =
          tf.withName(INPUT)
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 64, -1)));
      Operand<TFloat32> x =
          tf.withName("scaled").math.sub(tf.math.mul(input, tf.constant(2f)), tf.constant(1f));
      Operand<TFloat32> out;
      if (withConvolutions) {
        x = conv(tf.withSubScope("stem").withSubScope("conv"), x, 3, 8, random);
        x = conv(tf.withSubScope("block").withSubScope("conv"), x, 8, 8, random);
        Ops dense = tf.withSubScope("logits");
        Operand<TFloat32> pooled =
            dense.withName("Mean").math.mean(x, tf.constant(new int[] {1, 2}));
        out =
            dense
                .withName("MatMul")
                .linalg
                .matMul(
                    pooled, tf.variable(tf.constant(values(random, 8 * 4, 8, new long[] {8, 4}))));
      } else {
        x = tf.withSubScope("stem").withSubScope("act").withName("Relu").nn.relu(x);
        out = tf.withName("pooled").math.mean(x, tf.constant(new int[] {1, 2}));
      }
      Files.createDirectories(dir.getParent());
      try (Session session = new Session(g)) {
        session.initialize();
        Signature signature =
            Signature.builder()
                .key("serving_default")
                .input("images", input)
                .output("logits", out)
                .build();
        SavedModelBundle.exporter(dir.toString())
            .withSession(session)
            .withFunction(SessionFunction.create(signature, session))
            .export();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Operand<TFloat32> conv(
      Ops tf, Operand<TFloat32> x, int in, int out, SplittableRandom random) {
    Operand<TFloat32> kernel =
        tf.withName("kernel")
            .variable(
                tf.constant(values(random, 9 * in * out, 9 * in, new long[] {3, 3, in, out})));
    Operand<TFloat32> conv =
        tf.withName("Conv2D").nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "SAME");
    Operand<TFloat32> bias = tf.withName("bias").variable(tf.constant(new float[out]));
    return tf.withName("Relu").nn.relu(tf.withName("BiasAdd").nn.biasAdd(conv, bias));
  }

  /** He-uniform values, reshaped to {@code shape}. */
  private static org.tensorflow.ndarray.FloatNdArray values(
      SplittableRandom random, int count, int fanIn, long[] shape) {
    float[] v = new float[count];
    double limit = Math.sqrt(6.0 / fanIn);
    for (int i = 0; i < count; i++) {
      v[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
    return org.tensorflow.ndarray.NdArrays.wrap(
        Shape.of(shape), org.tensorflow.ndarray.buffer.DataBuffers.of(v, true, false));
  }
}
