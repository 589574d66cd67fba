package org.lucerna.optvis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.PadMode;
import org.lucerna.optvis.transform.TransformSpec;
import org.lucerna.optvis.transform.Transforms;

/**
 * The JSON forms of a render's parametrization and transforms, as requests give them and job documents
 * and stores show them:
 *
 * <pre>"param": {"type": "fourier", "decay": 1.0, "decorrelate": true, "squash": "sigmoid", "gain": 1.0}
 * "transforms": "standard" | "none" | [{"type": "pad", "width": 12, "mode": "constant", "value": 0.5},
 *                {"type": "jitter", "pixels": 8}, {"type": "scale", "factors": [0.9, 1.1]},
 *                {"type": "rotate", "degrees": [-10, 0, 10]}]</pre>
 *
 * Errors are {@link SpecFormatException}s naming the field.
 */
public final class RenderJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Map<String, Set<String>> TRANSFORM_FIELDS = Map.of(
      "pad", Set.of("type", "width", "mode", "value"),
      "jitter", Set.of("type", "pixels"),
      "scale", Set.of("type", "factors"),
      "rotate", Set.of("type", "degrees"));
  private static final Set<String> PARAM_FIELDS = Set.of("type", "decay", "decorrelate", "squash", "gain");
  public static final int MAX_TRANSFORMS = 16;

  private RenderJson() {}

  public static ParamSpec param(JsonNode node) {
    if (node == null || node.isNull()) {
      return ParamSpec.DEFAULT;
    }
    if (!node.isObject()) {
      throw new SpecFormatException("param", "must be an object such as {\"type\": \"fourier\"}");
    }
    unknown(node, PARAM_FIELDS, "param");
    ParamSpec.Kind kind = choice(node, "type", "param", ParamSpec.Kind.class, ParamSpec.DEFAULT.kind());
    ParamSpec.Squash squash = choice(node, "squash", "param", ParamSpec.Squash.class, ParamSpec.DEFAULT.squash());
    double decay = JsonFields.number(node, "decay", "param", kind == ParamSpec.Kind.PIXEL ? 0 : ParamSpec.DEFAULT.decay());
    boolean decorrelate = node.has("decorrelate") ? bool(node, "decorrelate", "param") : ParamSpec.DEFAULT.decorrelate();
    double gain = JsonFields.number(node, "gain", "param", ParamSpec.DEFAULT.gain());
    try {
      return new ParamSpec(kind, decay, decorrelate, squash, gain);
    } catch (IllegalArgumentException e) {
      throw new SpecFormatException("param", e.getMessage());
    }
  }

  public static ObjectNode write(ParamSpec p) {
    return JSON.objectNode()
        .put("type", p.kind().name().toLowerCase(Locale.ROOT))
        .put("decay", p.decay())
        .put("decorrelate", p.decorrelate())
        .put("squash", p.squash().name().toLowerCase(Locale.ROOT))
        .put("gain", p.gain());
  }

  /** The transforms of {@code node}; null means {@code standard}, as Lucid renders by default. */
  public static List<TransformSpec> transforms(JsonNode node) {
    if (node == null || node.isNull()) {
      return Transforms.standard();
    }
    if (node.isTextual()) {
      return switch (node.asText()) {
        case "standard" -> Transforms.standard();
        case "none" -> List.of();
        default -> throw new SpecFormatException("transforms", "must be \"standard\", \"none\" or a list of transforms");
      };
    }
    if (!node.isArray() || node.size() > MAX_TRANSFORMS) {
      throw new SpecFormatException("transforms", "must be \"standard\", \"none\" or a list of at most "
          + MAX_TRANSFORMS + " transforms");
    }
    List<TransformSpec> specs = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      specs.add(transform(node.get(i), "transforms[" + i + "]"));
    }
    return specs;
  }

  private static TransformSpec transform(JsonNode t, String path) {
    String type = t.path("type").asText("");
    Set<String> fields = TRANSFORM_FIELDS.get(type);
    if (!t.isObject() || fields == null) {
      throw new SpecFormatException(path + ".type", "must be one of " + new TreeSet<>(TRANSFORM_FIELDS.keySet()));
    }
    unknown(t, fields, path);
    try {
      return switch (type) {
        case "pad" -> new TransformSpec.Pad(JsonFields.whole(t, "width", path),
            choice(t, "mode", path, PadMode.class, PadMode.CONSTANT), JsonFields.number(t, "value", path, 0.5));
        case "jitter" -> new TransformSpec.Jitter(JsonFields.whole(t, "pixels", path));
        case "scale" -> new TransformSpec.RandomScale(numbers(t, "factors", path));
        default -> new TransformSpec.RandomRotate(numbers(t, "degrees", path));
      };
    } catch (IllegalArgumentException e) {
      if (e instanceof SpecFormatException f) {
        throw f;
      }
      throw new SpecFormatException(path, e.getMessage());
    }
  }

  public static JsonNode write(List<TransformSpec> specs) {
    if (specs.isEmpty()) {
      return JSON.textNode("none");
    }
    if (specs.equals(Transforms.standard())) {
      return JSON.textNode("standard");
    }
    ArrayNode list = JSON.arrayNode();
    for (TransformSpec s : specs) {
      ObjectNode o = list.addObject();
      if (s instanceof TransformSpec.Pad p) {
        o.put("type", "pad").put("width", p.width()).put("mode", p.mode().name().toLowerCase(Locale.ROOT)).put("value", p.value());
      } else if (s instanceof TransformSpec.Jitter j) {
        o.put("type", "jitter").put("pixels", j.pixels());
      } else if (s instanceof TransformSpec.RandomScale r) {
        o.put("type", "scale");
        r.factors().forEach(o.putArray("factors")::add);
      } else if (s instanceof TransformSpec.RandomRotate r) {
        o.put("type", "rotate");
        r.degrees().forEach(o.putArray("degrees")::add);
      }
    }
    return list;
  }

  private static void unknown(JsonNode node, Set<String> known, String path) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new SpecFormatException(path + "." + f, "is not a known field; known: " + new TreeSet<>(known));
      }
    }
  }

  private static <E extends Enum<E>> E choice(JsonNode node, String field, String path, Class<E> type, E fallback) {
    JsonNode n = node.get(field);
    if (n == null) {
      return fallback;
    }
    for (E e : type.getEnumConstants()) {
      if (n.isTextual() && e.name().equalsIgnoreCase(n.asText())) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new SpecFormatException(path + "." + field, "must be one of " + names);
  }

  private static boolean bool(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (!n.isBoolean()) {
      throw new SpecFormatException(path + "." + field, "must be true or false");
    }
    return n.asBoolean();
  }

  private static List<Double> numbers(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isArray() || n.isEmpty() || n.size() > 64) {
      throw new SpecFormatException(path + "." + field, "must be a list of 1 to 64 numbers");
    }
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isNumber()) {
        throw new SpecFormatException(path + "." + field + "[" + i + "]", "must be a number");
      }
      values.add(n.get(i).asDouble());
    }
    return values;
  }
}
