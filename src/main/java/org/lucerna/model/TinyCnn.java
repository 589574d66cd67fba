package org.lucerna.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A small convolutional network with fixed pseudo-random weights, written as a TF1-style SavedModel
 * (VariableV2 nodes, {@code serve} tag, {@code serving_default} signature). It lets the service and
 * the tests run without downloading anything; its weights come from a seed, so every build writes
 * the same model.
 *
 * <p>Layers: {@code conv1} (16), {@code conv2} (32), {@code conv3} (64), each 3×3 + ReLU, with 2×2
 * max pooling after the first two; global average pooling; {@code logits} (10). Input: float RGB in
 * [0, 1], any height and width. {@link #write(Path, int...)} writes the same kind of network with
 * other widths (the browser tests' layer of 256 channels).
 */
public final class TinyCnn {

  public static final String NAME = "tiny_cnn";
  public static final String INPUT = "input";
  public static final String OUTPUT = "logits/BiasAdd";
  private static final long SEED = 20171107L; // the Distill article's publication date

  private TinyCnn() {}

  /**
   * Writes the model into {@code dir}, unless a SavedModel is there already. The files appear at
   * once or not at all: they are written beside {@code dir} and moved into place.
   */
  public static void write(Path dir) throws IOException {
    write(dir, 16, 32, 64);
  }

  /**
   * Writes a network of {@code widths.length} convolutions ({@code conv1}, {@code conv2}, …) of
   * these widths, with max pooling between them, into {@code dir} as {@link #write(Path)} does.
   */
  public static void write(Path dir, int... widths) throws IOException {
    Files.createDirectories(dir.getParent());
    Path staging = Files.createTempDirectory(dir.getParent(), ".staging-");
    try {
      writeSavedModel(staging.resolve("model"), widths);
      Files.move(staging.resolve("model"), dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileAlreadyExistsException
        | java.nio.file.DirectoryNotEmptyException e) {
      // another writer finished first; its model is the same
    } finally {
      deleteTree(staging);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void writeSavedModel(Path dir, int[] widths) throws IOException {
    SplittableRandom random = new SplittableRandom(SEED);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input =
          tf.withName(INPUT)
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Operand<TFloat32> x = input;
      int channels = 3;
      for (int i = 0; i < widths.length; i++) {
        if (i > 0) {
          x = maxPool(tf.withSubScope("pool" + i), x);
        }
        x = conv(tf.withSubScope("conv" + (i + 1)), x, channels, widths[i], random);
        channels = widths[i];
      }
      Operand<TFloat32> pooled =
          tf.withSubScope("global_pool")
              .withName("Mean")
              .math
              .mean(x, tf.constant(new int[] {1, 2}));
      Ops dense = tf.withSubScope("logits");
      Variable<TFloat32> w =
          weight(dense.withName("kernel"), Shape.of(channels, 10), channels, random);
      Variable<TFloat32> b = weight(dense.withName("bias"), Shape.of(10), 0, random);
      Operand<TFloat32> logits =
          dense
              .withName("BiasAdd")
              .nn
              .biasAdd(dense.withName("MatMul").linalg.matMul(pooled, w), b);

      try (Session session = new Session(g)) {
        session.initialize();
        Signature signature =
            Signature.builder()
                .key("serving_default")
                .input(INPUT, input)
                .output("logits", logits)
                .build();
        SavedModelBundle.exporter(dir.toString())
            .withSession(session)
            .withFunction(SessionFunction.create(signature, session))
            .export();
      }
    }
  }

  private static Operand<TFloat32> conv(
      Ops tf, Operand<TFloat32> x, int in, int out, SplittableRandom random) {
    Variable<TFloat32> kernel =
        weight(tf.withName("kernel"), Shape.of(3, 3, in, out), 9 * in, random);
    Variable<TFloat32> bias = weight(tf.withName("bias"), Shape.of(out), 0, random);
    Operand<TFloat32> conv =
        tf.withName("Conv2D").nn.conv2d(x, kernel, java.util.List.of(1L, 1L, 1L, 1L), "SAME");
    return tf.withName("Relu").nn.relu(tf.withName("BiasAdd").nn.biasAdd(conv, bias));
  }

  private static Operand<TFloat32> maxPool(Ops tf, Operand<TFloat32> x) {
    // MaxPool, not tf.nn.maxPool's MaxPoolV2: oneDNN only replaces the former.
    return tf.scope()
        .opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", new long[] {1, 2, 2, 1})
        .setAttr("strides", new long[] {1, 2, 2, 1})
        .setAttr("padding", "VALID")
        .build()
        .<TFloat32>output(0);
  }

  /**
   * He-uniform kernels made zero-mean per output channel, and small positive biases. A flat gray
   * image then gives every unit exactly its bias, so no unit starts dead and every channel can be
   * optimized from the first step (untrained random kernels would leave many ReLUs at zero
   * gradient).
   */
  private static Variable<TFloat32> weight(
      Ops tf, Shape shape, int fanIn, SplittableRandom random) {
    float[] values = new float[(int) shape.size()];
    if (fanIn == 0) {
      java.util.Arrays.fill(values, 0.05f);
    } else {
      double limit = Math.sqrt(6.0 / fanIn);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((2 * random.nextDouble() - 1) * limit);
      }
      int outputs = (int) shape.get(shape.numDimensions() - 1);
      for (int o = 0; o < outputs; o++) {
        double mean = 0;
        for (int i = o; i < values.length; i += outputs) {
          mean += values[i];
        }
        mean /= values.length / outputs;
        for (int i = o; i < values.length; i += outputs) {
          values[i] -= (float) mean;
        }
      }
    }
    return tf.variable(tf.reshape(tf.constant(values), tf.constant(shape.asArray())));
  }
}
