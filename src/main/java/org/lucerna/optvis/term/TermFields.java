package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.SpecFormatException;

/**
 * The fields of one term object of a request, each value kept as its tokens until the term's kind
 * asks for it by name and type: the kind decides which fields exist and in what order they are
 * checked.
 */
public final class TermFields {
  private final String path;
  private final Map<String, TokenBuffer> values;

  private TermFields(String path, Map<String, TokenBuffer> values) {
    this.path = path;
    this.values = values;
  }

  /**
   * Reads the object at the parser's current token ({@code START_OBJECT}).
   *
   * @param path the object's field path, for errors
   */
  public static TermFields read(JsonParser p, String path) throws IOException {
    Map<String, TokenBuffer> values = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      values.put(name, TokenBuffer.asCopyOfValue(p));
    }
    return new TermFields(path, values);
  }

  /** The field names in the order the object first gave them. */
  public Set<String> names() {
    return values.keySet();
  }

  public boolean has(String field) {
    return values.containsKey(field);
  }

  /** The field's text, or {@code ""} when it is absent or not a string. */
  public String text(String field) {
    JsonParser p = value(field);
    try {
      return p != null && p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String layer() {
    String layer = text("layer");
    if (layer.isBlank()) {
      throw new SpecFormatException(
          path + ".layer", "is required: the name of a layer of the model");
    }
    return layer;
  }

  public int whole(String field) {
    JsonParser p = value(field);
    try {
      if (p == null
          || p.currentToken() != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() != JsonParser.NumberType.INT) {
        throw new SpecFormatException(path + "." + field, "must be a whole number");
      }
      return p.getIntValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole number, or null when the field is absent. */
  public Integer wholeOrNull(String field) {
    return has(field) ? Integer.valueOf(whole(field)) : null;
  }

  public double number(String field) {
    JsonParser p = value(field);
    try {
      if (p == null || !p.currentToken().isNumeric() || !Double.isFinite(p.getDoubleValue())) {
        throw new SpecFormatException(path + "." + field, "must be a number");
      }
      return p.getDoubleValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The number, or {@code fallback} when the field is absent. */
  public double number(String field, double fallback) {
    return has(field) ? number(field) : fallback;
  }

  /** An array of 1 to 16384 numbers. */
  public double[] vector(String field) {
    return vector(value(field), path + "." + field);
  }

  /** An array of 1 to 64 rows, each a {@link #vector}. */
  public double[][] matrix(String field) {
    String at = path + "." + field;
    List<TokenBuffer> rows = elements(value(field));
    if (rows == null || rows.isEmpty() || rows.size() > FormatLimits.MAX_WEIGHT_ROWS) {
      throw new SpecFormatException(
          at,
          "must be an array of 1 to "
              + FormatLimits.MAX_WEIGHT_ROWS
              + " rows (one per batch element, or one for all)");
    }
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = vector(start(rows.get(i)), at + "[" + i + "]");
    }
    return m;
  }

  private static double[] vector(JsonParser p, String at) {
    try {
      List<Double> values = new ArrayList<>();
      int notANumber = -1;
      if (p != null && p.currentToken() == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken().isNumeric()) {
            values.add(p.getDoubleValue());
          } else {
            notANumber = notANumber < 0 ? values.size() : notANumber;
            values.add(null);
            p.skipChildren();
          }
        }
      }
      if (values.isEmpty() || values.size() > FormatLimits.MAX_VECTOR_VALUES) {
        throw new SpecFormatException(
            at,
            "must be an array of 1 to "
                + FormatLimits.MAX_VECTOR_VALUES
                + " numbers, one per channel");
      }
      if (notANumber >= 0) {
        throw new SpecFormatException(at + "[" + notANumber + "]", "must be a number");
      }
      return values.stream().mapToDouble(Double::doubleValue).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The array's elements, each as its tokens, or null when the value is not an array. */
  private static List<TokenBuffer> elements(JsonParser p) {
    if (p == null || p.currentToken() != JsonToken.START_ARRAY) {
      return null;
    }
    try {
      List<TokenBuffer> elements = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        elements.add(TokenBuffer.asCopyOfValue(p));
      }
      return elements;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A parser at the first token of the field's value, or null when the field is absent. */
  private JsonParser value(String field) {
    TokenBuffer b = values.get(field);
    return b == null ? null : start(b);
  }

  private static JsonParser start(TokenBuffer b) {
    try {
      JsonParser p = b.asParser();
      p.nextToken();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
