package org.lucerna.optvis.transform;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;
import java.util.function.Consumer;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.SpecFields;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Grows each side by {@code width} pixels, so height and width grow by 2·width. */
@JsonPropertyOrder({"type", "width", "mode", "value"})
public record Pad(int width, PadMode mode, double value) implements TransformSpec {
  static final String KIND = "pad";

  public Pad {
    Objects.requireNonNull(mode, "mode");
    Transforms.requireRange("pad width", width, 0, FormatLimits.MAX_TRANSFORM_PIXELS);
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("pad value must be between 0 and 1, got " + value);
    }
  }

  static Pad read(SpecFields f) {
    return new Pad(
        f.whole("width"),
        f.choice("mode", PadMode.class, PadMode.CONSTANT),
        f.number("value", Transforms.GRAY));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int smallest(int side) {
    return side + 2 * width;
  }

  @Override
  public int largest(int side) {
    return side + 2 * width;
  }

  /** Its output and the gradient it passes back, each about one image batch. */
  @Override
  public long workingFloats(long batch, long height, long width, long channels) {
    return 2 * batch * height * width * channels;
  }

  @Override
  public Operand<TFloat32> build(Ops t, Operand<TFloat32> x, Consumer<RandomDraw> draws) {
    if (width == 0) {
      return x;
    }
    int n = width;
    Operand<TInt32> paddings = t.constant(new int[][] {{0, 0}, {n, n}, {n, n}, {0, 0}});
    if (mode == PadMode.REFLECT) {
      ImageDims dims = ImageDims.of(t, x);
      if (dims.spatialKnown() && (n >= dims.height() || n >= dims.width())) {
        throw new IllegalArgumentException(
            "reflect pad width "
                + n
                + " must be smaller than the image, "
                + dims.height()
                + "×"
                + dims.width()
                + "; use a smaller width or a constant pad");
      }
      return t.mirrorPad(x, paddings, "REFLECT");
    }
    return t.pad(x, paddings, t.constant((float) value));
  }
}
