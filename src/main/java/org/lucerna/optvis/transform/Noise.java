package org.lucerna.optvis.transform;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.function.Consumer;
import org.lucerna.optvis.SpecFields;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * MACO's noise: every value gets {@code N(0, std) + U(−std/2, std/2)}, new at every step. The noise
 * comes from TensorFlow's stateless random ops with a seed drawn in Java from the job's seed and
 * fed, so a render still repeats bit for bit, and the noise takes the run-time shape of what it is
 * added to (after crops or a random scale).
 */
@JsonPropertyOrder({"type", "std"})
public record Noise(double std) implements TransformSpec {
  static final String KIND = "noise";

  /** Noise larger than the image's whole range drowns it. */
  static final double MAX_STD = 1;

  public Noise {
    if (!(std >= 0 && std <= MAX_STD)) {
      throw new IllegalArgumentException(
          "noise std must be between 0 and " + (int) MAX_STD + ", got " + std);
    }
  }

  static Noise read(SpecFields f) {
    return new Noise(f.number("std", 0.08));
  }

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The normal and uniform draws, their sum and the noisy output; the gradient passes through the
   * addition unchanged (one more image batch).
   */
  @Override
  public long workingFloats(long batch, long height, long width, long channels) {
    return std == 0 ? 0 : 5 * batch * height * width * channels;
  }

  @Override
  public Operand<TFloat32> build(Ops t, Operand<TFloat32> x, Consumer<RandomDraw> draws) {
    if (std == 0) {
      return x;
    }
    Placeholder<TInt64> seeds =
        t.withName("seeds").placeholder(TInt64.class, Placeholder.shape(Shape.of(2, 2)));
    String seedsName = seeds.op().name();
    draws.accept(
        (runner, random, toClose) -> {
          TInt64 tensor =
              TInt64.tensorOf(
                  Shape.of(2, 2),
                  d ->
                      d.setLong(random.nextLong(), 0, 0)
                          .setLong(random.nextLong(), 0, 1)
                          .setLong(random.nextLong(), 1, 0)
                          .setLong(random.nextLong(), 1, 1));
          toClose.add(tensor);
          runner.feed(seedsName, tensor);
        });
    Operand<org.tensorflow.types.TInt32> shape = t.shape(x);
    Operand<TInt64> normalSeed =
        t.reshape(
            t.slice(seeds, t.constant(new int[] {0, 0}), t.constant(new int[] {1, 2})),
            t.constant(new int[] {2}));
    Operand<TInt64> uniformSeed =
        t.reshape(
            t.slice(seeds, t.constant(new int[] {1, 0}), t.constant(new int[] {1, 2})),
            t.constant(new int[] {2}));
    Operand<TFloat32> normal =
        t.math.mul(t.random.statelessRandomNormal(shape, normalSeed), t.constant((float) std));
    // U(0, 1) − 0.5 scaled by std is U(−std/2, std/2).
    Operand<TFloat32> uniform =
        t.math.mul(
            t.math.sub(t.random.statelessRandomUniform(shape, uniformSeed), t.constant(0.5f)),
            t.constant((float) std));
    // The noise's shape is read from x; without the stop, the gradient would look for a way back
    // through the random ops, which have none (and need none: the noise does not depend on x).
    return t.math.add(x, t.stopGradient(t.math.add(normal, uniform)));
  }
}
