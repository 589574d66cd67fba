package org.lucerna.optvis.transform;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.function.Consumer;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.SpecFields;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Rotation about the centre by an angle drawn from {@code degrees}; positive turns the picture
 * counter-clockwise. Bilinear sampling (see {@link Rotation}); pixels that come from outside the
 * image are 0.5.
 */
@JsonPropertyOrder({"type", "degrees"})
public record RandomRotate(List<Double> degrees) implements TransformSpec {
  static final String KIND = "rotate";

  public RandomRotate {
    degrees = List.copyOf(degrees);
    if (degrees.isEmpty()) {
      throw new IllegalArgumentException("random rotate needs at least one angle");
    }
    for (double d : degrees) {
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(
            "rotation angles must be finite numbers of degrees, got " + d);
      }
    }
  }

  static RandomRotate read(SpecFields f) {
    return new RandomRotate(f.numbers("degrees", FormatLimits.MAX_DRAWS));
  }

  @Override
  public String kind() {
    return KIND;
  }

  /**
   * The sampling (see {@link Rotation}) gathers four neighbours per pixel: the padded pixels (1
   * image batch), the gathered neighbours and their weighted product (4 each), the sum (1), and
   * backward their gradient (4) and its scatter (about 2 with the transposes); the grid of
   * positions and weights, per pixel and not per image, holds about 24 floats a pixel at once.
   */
  @Override
  public long workingFloats(long batch, long height, long width, long channels) {
    return 16 * batch * height * width * channels + 24 * height * width;
  }

  @Override
  public Operand<TFloat32> build(Ops t, Operand<TFloat32> x, Consumer<RandomDraw> draws) {
    Placeholder<TFloat32> cosSin =
        t.withName("cos_sin").placeholder(TFloat32.class, Placeholder.shape(Shape.of(2)));
    String cosSinName = cosSin.op().name();
    draws.accept(
        (runner, random, toClose) -> {
          TFloat32 tensor = TFloat32.vectorOf(cosSin(degrees.get(random.nextInt(degrees.size()))));
          toClose.add(tensor);
          runner.feed(cosSinName, tensor);
        });
    return Rotation.rotate(t, x, cosSin);
  }

  /**
   * cos and sin of an angle in degrees, exact at multiples of 90° so that quarter turns move pixels
   * exactly.
   */
  static float[] cosSin(double degrees) {
    double reduced = ((degrees % 360) + 360) % 360;
    if (reduced % 90 == 0) {
      int quarter = (int) (reduced / 90);
      return new float[] {new int[] {1, 0, -1, 0}[quarter], new int[] {0, 1, 0, -1}[quarter]};
    }
    double radians = Math.toRadians(degrees);
    return new float[] {(float) Math.cos(radians), (float) Math.sin(radians)};
  }
}
