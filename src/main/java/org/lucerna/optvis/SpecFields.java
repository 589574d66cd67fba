package org.lucerna.optvis;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One object of a spec as Jackson binds it untyped (numbers, strings, booleans, lists, maps), read
 * field by field with the checks and messages of the request format: a wrong type is refused rather
 * than coerced, and the error names the field's path.
 */
public final class SpecFields {
  private final Map<?, ?> values;
  private final String path;

  private SpecFields(Map<?, ?> values, String path) {
    this.values = values;
    this.path = path;
  }

  /** The value at the parser's current token, bound untyped. */
  public static Object read(JsonParser p) throws IOException {
    return p.readValueAs(Object.class);
  }

  /** The fields of {@code value} if it is an object, else null. */
  public static SpecFields of(Object value, String path) {
    return value instanceof Map<?, ?> m ? new SpecFields(m, path) : null;
  }

  public String path() {
    return path;
  }

  public boolean has(String field) {
    return values.containsKey(field);
  }

  /** The field's text, or "" when it is absent or not a string. */
  public String text(String field) {
    return values.get(field) instanceof String s ? s : "";
  }

  /** Refuses the first field not in {@code known}. */
  public void onlyKnown(Collection<String> known) {
    for (Object f : values.keySet()) {
      if (!known.contains(f)) {
        throw error(String.valueOf(f), "is not a known field; known: " + new TreeSet<>(known));
      }
    }
  }

  public int whole(String field) {
    if (!(values.get(field) instanceof Integer i)) {
      throw error(field, "must be a whole number");
    }
    return i;
  }

  public double number(String field) {
    if (!(values.get(field) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw error(field, "must be a number");
    }
    return n.doubleValue();
  }

  /** The number, or {@code fallback} when the field is absent. */
  public double number(String field, double fallback) {
    return has(field) ? number(field) : fallback;
  }

  public boolean bool(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    if (!(values.get(field) instanceof Boolean b)) {
      throw error(field, "must be true or false");
    }
    return b;
  }

  /** The constant named by the field (any case), or {@code fallback} when the field is absent. */
  public <E extends Enum<E>> E choice(String field, Class<E> type, E fallback) {
    if (!has(field)) {
      return fallback;
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (values.get(field) instanceof String s && e.name().equalsIgnoreCase(s)) {
        return e;
      }
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw error(field, "must be one of " + names);
  }

  /** A list of 1 to {@code max} numbers. */
  public List<Double> numbers(String field, int max) {
    if (!(values.get(field) instanceof List<?> list) || list.isEmpty() || list.size() > max) {
      throw error(field, "must be a list of 1 to " + max + " numbers");
    }
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Number n)) {
        throw error(field + "[" + i + "]", "must be a number");
      }
      out.add(n.doubleValue());
    }
    return out;
  }

  public SpecFormatException error(String field, String message) {
    return new SpecFormatException(path + "." + field, message);
  }
}
