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

/**
 * The two JSON forms of an objective: the short string {@code "mixed4:97"}, and the structured form, a
 * weighted sum of terms:
 *
 * <pre>{"terms": [{"kind": "channel", "layer": "mixed4", "channel": 97},
 *            {"kind": "diversity", "layer": "mixed5", "weight": -100, "batch": 1}]}</pre>
 *
 * Job documents always show the structured form, which can be submitted again as it is; stores keep
 * jobs in it.
 */
public final class ObjectiveJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<String> COMMON = Set.of("kind", "weight", "batch");
  private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
      Map.entry("channel", Set.of("layer", "channel")),
      Map.entry("neuron", Set.of("layer", "channel", "x", "y")),
      Map.entry("direction", Set.of("layer", "vector", "cossimPower")),
      Map.entry("weighted_channels", Set.of("layer", "weights")),
      Map.entry("deepdream", Set.of("layer")),
      Map.entry("class_logit", Set.of("layer", "index")),
      Map.entry("diversity", Set.of("layer")),
      Map.entry("alignment", Set.of("layer", "decay")),
      Map.entry("l1", Set.of("constant")),
      Map.entry("l2", Set.of("constant")),
      Map.entry("total_variation", Set.of()),
      Map.entry("blur", Set.of()),
      Map.entry("constant", Set.of("value")));
  static final int MAX_TERMS = 32;

  private ObjectiveJson() {}

  /**
   * Reads either form.
   *
   * @throws SpecFormatException naming the field at fault, as a path from {@code objective}
   */
  public static Objective parse(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new SpecFormatException("objective", "is required, e.g. \"mixed4:97\" (layer:channel) or {\"terms\": [...]}");
    }
    if (node.isTextual()) {
      try {
        return Objectives.parse(node.asText());
      } catch (IllegalArgumentException e) {
        throw new SpecFormatException("objective", e.getMessage());
      }
    }
    if (!node.isObject() || !node.has("terms") || node.size() != 1) {
      throw new SpecFormatException("objective", "must be a string \"layer:channel\" or an object {\"terms\": [...]}");
    }
    JsonNode terms = node.get("terms");
    if (!terms.isArray() || terms.isEmpty()) {
      throw new SpecFormatException("objective.terms", "must be a non-empty array of terms");
    }
    if (terms.size() > MAX_TERMS) {
      throw new SpecFormatException("objective.terms", "must have at most " + MAX_TERMS + " terms, has " + terms.size());
    }
    List<Objective.Weighted> weighted = new ArrayList<>();
    for (int i = 0; i < terms.size(); i++) {
      weighted.add(term(terms.get(i), "objective.terms[" + i + "]"));
    }
    return Objective.of(weighted);
  }

  private static Objective.Weighted term(JsonNode t, String path) {
    if (!t.isObject()) {
      throw new SpecFormatException(path, "must be an object with a \"kind\"");
    }
    String kind = t.path("kind").asText("").toLowerCase(Locale.ROOT);
    Set<String> fields = FIELDS.get(kind);
    if (fields == null) {
      throw new SpecFormatException(path + ".kind", "must be one of " + new java.util.TreeSet<>(FIELDS.keySet()));
    }
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!COMMON.contains(f) && !fields.contains(f)) {
        throw new SpecFormatException(path + "." + f, "is not a field of a " + kind + " term; its fields: "
            + new java.util.TreeSet<>(fields) + " and weight, batch");
      }
    }
    double weight = JsonFields.number(t, "weight", path, 1);
    Integer batch = t.has("batch") ? Integer.valueOf(JsonFields.whole(t, "batch", path)) : null;
    try {
      Term term = switch (kind) {
        case "channel" -> new Term.Channel(layer(t, path), JsonFields.whole(t, "channel", path));
        case "neuron" -> new Term.Neuron(layer(t, path), JsonFields.whole(t, "channel", path),
            t.has("x") ? Integer.valueOf(JsonFields.whole(t, "x", path)) : null,
            t.has("y") ? Integer.valueOf(JsonFields.whole(t, "y", path)) : null);
        case "direction" -> new Term.Direction(layer(t, path), vector(t.get("vector"), path + ".vector"),
            JsonFields.number(t, "cossimPower", path, 0));
        case "weighted_channels" -> new Term.WeightedChannels(layer(t, path), matrix(t.get("weights"), path + ".weights"));
        case "deepdream" -> new Term.DeepDream(layer(t, path));
        case "class_logit" -> new Term.ClassLogit(layer(t, path), JsonFields.whole(t, "index", path));
        case "diversity" -> new Term.Diversity(layer(t, path));
        case "alignment" -> new Term.Alignment(layer(t, path), JsonFields.number(t, "decay", path, 2));
        case "l1" -> new Term.L1(JsonFields.number(t, "constant", path, 0));
        case "l2" -> new Term.L2(JsonFields.number(t, "constant", path, 0));
        case "total_variation" -> new Term.TotalVariation();
        case "blur" -> new Term.Blur();
        default -> new Term.Constant(JsonFields.number(t, "value", path));
      };
      return new Objective.Weighted(weight, batch, term);
    } catch (IllegalArgumentException e) {
      throw new SpecFormatException(path, e.getMessage());
    }
  }

  private static String layer(JsonNode t, String path) {
    JsonNode l = t.get("layer");
    if (l == null || !l.isTextual() || l.asText().isBlank()) {
      throw new SpecFormatException(path + ".layer", "is required: the name of a layer of the model");
    }
    return l.asText();
  }

  private static double[] vector(JsonNode n, String path) {
    if (n == null || !n.isArray() || n.isEmpty() || n.size() > 1 << 14) {
      throw new SpecFormatException(path, "must be an array of 1 to 16384 numbers, one per channel");
    }
    double[] v = new double[n.size()];
    for (int i = 0; i < v.length; i++) {
      if (!n.get(i).isNumber()) {
        throw new SpecFormatException(path + "[" + i + "]", "must be a number");
      }
      v[i] = n.get(i).asDouble();
    }
    return v;
  }

  private static double[][] matrix(JsonNode n, String path) {
    if (n == null || !n.isArray() || n.isEmpty() || n.size() > 64) {
      throw new SpecFormatException(path, "must be an array of 1 to 64 rows (one per batch element, or one for all)");
    }
    double[][] rows = new double[n.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = vector(n.get(i), path + "[" + i + "]");
    }
    return rows;
  }

  /** The structured form of {@code objective}. */
  public static ObjectNode write(Objective objective) {
    ArrayNode terms = JSON.arrayNode();
    for (Objective.Weighted w : objective.terms()) {
      ObjectNode t = terms.addObject();
      Term term = w.term();
      if (term instanceof Term.Channel c) {
        t.put("kind", "channel").put("layer", c.layer()).put("channel", c.channel());
      } else if (term instanceof Term.Neuron n) {
        t.put("kind", "neuron").put("layer", n.layer()).put("channel", n.channel());
        if (n.x() != null) {
          t.put("x", n.x()).put("y", n.y());
        }
      } else if (term instanceof Term.Direction d) {
        t.put("kind", "direction").put("layer", d.layer());
        ArrayNode v = t.putArray("vector");
        for (double x : d.vector()) {
          v.add(x);
        }
        t.put("cossimPower", d.cossimPower());
      } else if (term instanceof Term.WeightedChannels wc) {
        t.put("kind", "weighted_channels").put("layer", wc.layer());
        ArrayNode rows = t.putArray("weights");
        for (double[] row : wc.weights()) {
          ArrayNode r = rows.addArray();
          for (double x : row) {
            r.add(x);
          }
        }
      } else if (term instanceof Term.DeepDream d) {
        t.put("kind", "deepdream").put("layer", d.layer());
      } else if (term instanceof Term.ClassLogit k) {
        t.put("kind", "class_logit").put("layer", k.layer()).put("index", k.index());
      } else if (term instanceof Term.Diversity d) {
        t.put("kind", "diversity").put("layer", d.layer());
      } else if (term instanceof Term.Alignment a) {
        t.put("kind", "alignment").put("layer", a.layer()).put("decay", a.decay());
      } else if (term instanceof Term.L1 l) {
        t.put("kind", "l1").put("constant", l.constant());
      } else if (term instanceof Term.L2 l) {
        t.put("kind", "l2").put("constant", l.constant());
      } else if (term instanceof Term.TotalVariation) {
        t.put("kind", "total_variation");
      } else if (term instanceof Term.Blur) {
        t.put("kind", "blur");
      } else if (term instanceof Term.Constant c) {
        t.put("kind", "constant").put("value", c.value());
      }
      t.put("weight", w.weight());
      if (w.batch() != null) {
        t.put("batch", w.batch());
      }
    }
    ObjectNode o = JSON.objectNode();
    o.set("terms", terms);
    return o;
  }
}
