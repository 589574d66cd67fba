package org.lucerna.optvis;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;

/**
 * The field a deserializer is reading, as the dotted path that {@link SpecFormatException} names,
 * such as {@code objective.terms[1].kind}: taken from the parser's context, so a type bound
 * anywhere in a request names its fields from the request's root.
 */
public final class SpecPaths {
  private SpecPaths() {}

  /** The path of the value at the parser's current token. */
  public static String of(JsonParser p) {
    return of(p.getParsingContext());
  }

  /** The path of field {@code field} of the object the parser is in. */
  public static String of(JsonParser p, String field) {
    String at =
        of(
            p.getParsingContext().inObject()
                ? p.getParsingContext().getParent()
                : p.getParsingContext());
    return at.isEmpty() ? field : at + "." + field;
  }

  public static String of(JsonStreamContext context) {
    StringBuilder path = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray() && c.hasCurrentIndex()) {
        path.insert(0, "[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        path.insert(0, "." + c.getCurrentName());
      }
    }
    return path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
  }
}
