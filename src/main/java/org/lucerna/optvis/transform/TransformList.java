package org.lucerna.optvis.transform;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.SpecFields;
import org.lucerna.optvis.SpecFormatException;
import org.lucerna.optvis.SpecPaths;

/**
 * A request's transforms: {@code "standard"} (Lucid's list, {@link Transforms#standard()}), {@code
 * "maco"} ({@link Transforms#maco()}), {@code "none"}, or a list of at most {@link
 * FormatLimits#MAX_TRANSFORMS} transforms; written back in the shortest of these forms.
 */
@JsonDeserialize(using = TransformList.Reader.class)
public record TransformList(List<TransformSpec> specs) {
  public TransformList {
    specs = List.copyOf(specs);
  }

  public static TransformList standard() {
    return new TransformList(Transforms.standard());
  }

  @JsonValue
  Object json() {
    if (specs.isEmpty()) {
      return "none";
    }
    if (specs.equals(Transforms.maco())) {
      return "maco";
    }
    return specs.equals(Transforms.standard()) ? "standard" : specs;
  }

  /**
   * Reads the list where it stands in the JSON, its errors naming its path ({@code
   * transforms[2].width}).
   */
  static final class Reader extends JsonDeserializer<TransformList> {
    @Override
    public TransformList deserialize(JsonParser p, DeserializationContext c) throws IOException {
      String path = SpecPaths.of(p);
      Object json = SpecFields.read(p);
      if (json instanceof String name) {
        return switch (name) {
          case "standard" -> standard();
          case "none" -> new TransformList(List.of());
          case "maco" -> new TransformList(Transforms.maco());
          default ->
              throw new SpecFormatException(
                  path, "must be \"standard\", \"maco\", \"none\" or a list of transforms");
        };
      }
      if (!(json instanceof List<?> list) || list.size() > FormatLimits.MAX_TRANSFORMS) {
        throw new SpecFormatException(
            path,
            "must be \"standard\", \"maco\", \"none\" or a list of at most "
                + FormatLimits.MAX_TRANSFORMS
                + " transforms");
      }
      List<TransformSpec> specs = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        specs.add(Transforms.read(list.get(i), path + "[" + i + "]"));
      }
      return new TransformList(specs);
    }
  }
}
