package org.lucerna.optvis;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading one typed field of a request's JSON, with an error that names its path. */
final class JsonFields {
  private JsonFields() {}

  static int whole(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new SpecFormatException(path + "." + field, "must be a whole number");
    }
    return n.asInt();
  }

  static double number(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
      throw new SpecFormatException(path + "." + field, "must be a number");
    }
    return n.asDouble();
  }

  /** The number, or {@code fallback} when the field is absent. */
  static double number(JsonNode node, String field, String path, double fallback) {
    return node.has(field) ? number(node, field, path) : fallback;
  }
}
