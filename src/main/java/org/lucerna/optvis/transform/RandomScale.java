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
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Bilinear resize by one factor drawn from {@code factors}; the new size is rounded, at least 1.
 */
@JsonPropertyOrder({"type", "factors"})
public record RandomScale(List<Double> factors) implements TransformSpec {
  static final String KIND = "scale";

  public RandomScale {
    factors = List.copyOf(factors);
    if (factors.isEmpty()) {
      throw new IllegalArgumentException("random scale needs at least one factor");
    }
    for (double f : factors) {
      if (!(f > 0 && f <= FormatLimits.MAX_SCALE)) {
        throw new IllegalArgumentException(
            "scale factors must be greater than 0 and at most "
                + FormatLimits.MAX_SCALE
                + ", got "
                + f);
      }
    }
  }

  static RandomScale read(SpecFields f) {
    return new RandomScale(f.numbers("factors", FormatLimits.MAX_DRAWS));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int smallest(int side) {
    float factor = (float) factors.stream().mapToDouble(Double::doubleValue).min().orElse(1);
    // In float, as the graph computes it, so that the size is the one the model will see.
    return Math.max(1, (int) ((float) side * factor + 0.5f));
  }

  @Override
  public int largest(int side) {
    float factor = (float) factors.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    return Math.max(1, (int) ((float) side * factor + 0.5f));
  }

  /** Its output and the gradient it passes back, each about one image batch. */
  @Override
  public long workingFloats(long batch, long height, long width, long channels) {
    return 2 * batch * height * width * channels;
  }

  @Override
  public Operand<TFloat32> build(Ops t, Operand<TFloat32> x, Consumer<RandomDraw> draws) {
    ImageDims dims = ImageDims.of(t, x);
    Placeholder<TFloat32> factor =
        t.withName("factor").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Operand<TInt32> spatial = t.stack(List.of(dims.dim(t, 1), dims.dim(t, 2)));
    // Rounded, not truncated as in Lucid, so that 3 px × 0.33 is 1 px and not an empty image.
    Operand<TFloat32> exact = t.math.mul(t.dtypes.cast(spatial, TFloat32.class), factor);
    Operand<TInt32> size =
        t.math.maximum(
            t.dtypes.cast(t.math.add(exact, t.constant(0.5f)), TInt32.class), t.constant(1));
    String factorName = factor.op().name();
    draws.accept(
        (runner, random, toClose) -> {
          TFloat32 tensor =
              TFloat32.scalarOf(factors.get(random.nextInt(factors.size())).floatValue());
          toClose.add(tensor);
          runner.feed(factorName, tensor);
        });
    return t.image.resizeBilinear(x, size, ResizeBilinear.halfPixelCenters(true));
  }
}
