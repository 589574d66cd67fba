package org.lucerna.optvis.transform;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.util.function.Consumer;
import org.lucerna.optvis.SpecFields;
import org.lucerna.optvis.SpecPaths;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One transform: its JSON ({@code {"type": kind(), ...its record components}}), its settings
 * checked on construction, the sizes it can give, and its graph step. A new kind is a record
 * implementing this, registered in {@link Transforms#KINDS}.
 */
@JsonDeserialize(using = TransformSpec.Reader.class)
public interface TransformSpec {
  /** The JSON {@code type}, also the graph sub-scope ({@code transform/pad}, ...). */
  @JsonProperty("type")
  String kind();

  /**
   * The smallest side this transform can give from a side of {@code side} pixels, whatever its
   * random draws; refuses a side it cannot take. Most transforms keep the image's size.
   */
  default int smallest(int side) {
    return side;
  }

  /**
   * The largest side this transform can give from a side of {@code side} pixels, whatever its
   * random draws: with {@link #smallest}, the range of sizes the next step and the model can see.
   */
  default int largest(int side) {
    return side;
  }

  /**
   * Floats this step holds in one optimization step when it gives an image of {@code batch} ×
   * {@code height} × {@code width} × {@code channels}: its output, the gradient it passes back and
   * its other intermediates, counted from the ops it builds. For the memory a render is reckoned at
   * before it is queued.
   */
  long workingFloats(long batch, long height, long width, long channels);

  /**
   * As {@link #workingFloats(long, long, long, long)} for a step that takes an image of {@code
   * inHeight} × {@code inWidth} and gives one of {@code height} × {@code width}: the crops at a
   * model's fixed input size, whose work depends on both. Other steps count at the size they give.
   */
  default long workingFloats(
      long batch, long inHeight, long inWidth, long height, long width, long channels) {
    return workingFloats(batch, height, width, channels);
  }

  /**
   * Builds this step on {@code image} ({@code [B, H, W, C]}) in the sub-scope {@code t}; a random
   * step hands {@code draws} the feed of its placeholder.
   */
  Operand<TFloat32> build(Ops t, Operand<TFloat32> image, Consumer<RandomDraw> draws);

  /**
   * As {@link #build(Ops, Operand, Consumer)}, knowing the model's fixed input size ({@code 0, 0}
   * when it takes any size): a step that resizes ({@link Crops}) resizes to it.
   */
  default Operand<TFloat32> build(
      Ops t, Operand<TFloat32> image, Consumer<RandomDraw> draws, int fitHeight, int fitWidth) {
    return build(t, image, draws);
  }

  /** How many model batch elements each image becomes: {@link Crops#count()}, else 1. */
  default int batchFactor() {
    return 1;
  }

  /** Reads one transform where it stands in the JSON, its errors naming its path. */
  final class Reader extends JsonDeserializer<TransformSpec> {
    @Override
    public TransformSpec deserialize(JsonParser p, DeserializationContext c) throws IOException {
      String path = SpecPaths.of(p);
      return Transforms.read(SpecFields.read(p), path);
    }
  }
}
