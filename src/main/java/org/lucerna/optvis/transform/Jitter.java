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
import org.tensorflow.types.TInt32;

/** A random crop that shrinks height and width by {@code pixels} each (Lucid's jitter). */
@JsonPropertyOrder({"type", "pixels"})
public record Jitter(int pixels) implements TransformSpec {
  static final String KIND = "jitter";

  public Jitter {
    Transforms.requireRange("jitter pixels", pixels, 0, FormatLimits.MAX_TRANSFORM_PIXELS);
  }

  static Jitter read(SpecFields f) {
    return new Jitter(f.whole("pixels"));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int smallest(int side) {
    if (side <= pixels) {
      throw new IllegalArgumentException(
          "jitter "
              + pixels
              + " needs an image larger than "
              + pixels
              + " pixels at that point, but it can be "
              + side
              + "; lower the jitter or render a larger image");
    }
    return side - pixels;
  }

  /** The crop has one size; only its place is drawn. */
  @Override
  public int largest(int side) {
    return Math.max(1, side - pixels);
  }

  /** Its output and the gradient it passes back, each about one image batch. */
  @Override
  public long workingFloats(long batch, long height, long width, long channels) {
    return 2 * batch * height * width * channels;
  }

  @Override
  public Operand<TFloat32> build(Ops t, Operand<TFloat32> x, Consumer<RandomDraw> draws) {
    int d = pixels;
    if (d == 0) {
      return x;
    }
    ImageDims dims = ImageDims.of(t, x);
    if (dims.spatialKnown() && (d >= dims.height() || d >= dims.width())) {
      throw new IllegalArgumentException(
          "jitter "
              + d
              + " needs an image larger than "
              + d
              + " pixels, got "
              + dims.height()
              + "×"
              + dims.width()
              + "; lower the jitter or render a larger image");
    }
    Placeholder<TInt32> offsets =
        t.withName("offsets").placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
    Operand<TInt32> begin =
        t.concat(
            List.of(t.constant(new int[] {0}), offsets, t.constant(new int[] {0})), t.constant(0));
    Operand<TInt32> shrink = t.constant(d);
    Operand<TInt32> size =
        dims.withSpatial(t, t.math.sub(dims.dim(t, 1), shrink), t.math.sub(dims.dim(t, 2), shrink));
    String offsetsName =
        offsets.op().name(); // fed by name: the session may run a placed copy of this graph
    draws.accept(
        (runner, random, toClose) -> {
          int[] drawn = {random.nextInt(d + 1), random.nextInt(d + 1)};
          TInt32 tensor = TInt32.vectorOf(drawn);
          toClose.add(tensor);
          runner.feed(offsetsName, tensor);
        });
    return t.slice(x, begin, size);
  }
}
