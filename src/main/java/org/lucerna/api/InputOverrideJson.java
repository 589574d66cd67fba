package org.lucerna.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import org.lucerna.job.InvalidJobException;
import org.lucerna.model.MetadataOverride;
import org.lucerna.model.ModelMetadata;

/**
 * The request's {@code input}, {@code {"valueRange": [lo, hi], "channelOrder": "RGB"|"BGR"}}: the
 * request's view of the model input. Its errors are 422s naming the field inside {@code input}, as
 * the other checks of a request's content; {@link ProblemMappers} takes them out of Jackson's
 * wrapping. Of several errors, an unknown field is reported first, then the value range, then the
 * channel order.
 */
final class InputOverrideJson extends JsonDeserializer<MetadataOverride> {
  private static final String FIELD = "input";

  @Override
  public MetadataOverride deserialize(JsonParser p, DeserializationContext context)
      throws IOException {
    if (!p.isExpectedStartObjectToken()) {
      p.skipChildren();
      throw new InvalidJobException(
          FIELD, "must be an object such as {\"valueRange\": [-1, 1], \"channelOrder\": \"RGB\"}");
    }
    double[] range = null;
    boolean rangeGiven = false;
    ModelMetadata.ChannelOrder order = null;
    boolean orderGiven = false;
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken value = p.nextToken();
      switch (name) {
        case "valueRange" -> {
          rangeGiven = true;
          range = twoNumbers(p, value);
        }
        case "channelOrder" -> {
          orderGiven = true;
          order =
              value == JsonToken.VALUE_STRING && p.getText().matches("RGB|BGR")
                  ? ModelMetadata.ChannelOrder.valueOf(p.getText())
                  : null;
          p.skipChildren();
        }
        default ->
            throw new InvalidJobException(
                FIELD + "." + name, "is not a known field; known: [channelOrder, valueRange]");
      }
    }
    if (rangeGiven && range == null) {
      throw new InvalidJobException(FIELD + ".valueRange", "must be two numbers [min, max]");
    }
    if (orderGiven && order == null) {
      throw new InvalidJobException(FIELD + ".channelOrder", "must be \"RGB\" or \"BGR\"");
    }
    try {
      return range == null
          ? new MetadataOverride(null, null, order)
          : new MetadataOverride(range[0], range[1], order);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException(FIELD + ".valueRange", e.getMessage());
    }
  }

  /**
   * {@code [lo, hi]}, or null when the value is anything else; the value is consumed either way.
   */
  private static double[] twoNumbers(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    double[] numbers = new double[2];
    int count = 0;
    boolean allNumbers = true;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t.isNumeric() && count < 2) {
        numbers[count] = p.getDoubleValue();
      } else {
        allNumbers = false;
        p.skipChildren();
      }
      count++;
    }
    return allNumbers && count == 2 ? numbers : null;
  }
}
