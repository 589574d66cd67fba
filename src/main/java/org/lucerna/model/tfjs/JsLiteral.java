package org.lucerna.model.tfjs;

/**
 * Rewrites a minified JavaScript object literal as JSON: quotes bare keys, turns {@code !0}/{@code
 * !1} into {@code true}/{@code false} and {@code .5} into {@code 0.5}. It accepts the data-only
 * literals that bundlers emit for JSON files, not JavaScript in general: anything else is an error
 * that names the offset.
 */
final class JsLiteral {
  private JsLiteral() {}

  /** The literal that starts with the {@code {} at {@code start} of {@code js}, as JSON. */
  static String toJson(String js, int start) {
    if (start < 0 || start >= js.length() || js.charAt(start) != '{') {
      throw new MalformedModelException("no object literal at offset " + start);
    }
    StringBuilder out = new StringBuilder(js.length() - start);
    int depth = 0;
    int i = start;
    do {
      char ch = js.charAt(i);
      if (ch == '"' || ch == '\'') {
        i = string(js, i, out);
        continue;
      }
      if (ch == '{' || ch == '[') {
        depth++;
      } else if (ch == '}' || ch == ']') {
        depth--;
      }
      if ("{}[],:".indexOf(ch) >= 0 || Character.isWhitespace(ch)) {
        out.append(ch);
        i++;
      } else if (ch == '!'
          && i + 1 < js.length()
          && (js.charAt(i + 1) == '0' || js.charAt(i + 1) == '1')) {
        out.append(js.charAt(i + 1) == '0' ? "true" : "false");
        i += 2;
      } else if (ch == '-' || ch == '.' || Character.isDigit(ch)) {
        int end = i + 1;
        while (end < js.length() && "0123456789.eE+-".indexOf(js.charAt(end)) >= 0) {
          end++;
        }
        String number = js.substring(i, end);
        number =
            number.startsWith("-.")
                ? "-0" + number.substring(1)
                : number.startsWith(".") ? "0" + number : number;
        out.append(number);
        i = end;
      } else if (Character.isJavaIdentifierStart(ch)) {
        int end = i + 1;
        while (end < js.length() && Character.isJavaIdentifierPart(js.charAt(end))) {
          end++;
        }
        String word = js.substring(i, end);
        boolean key = end < js.length() && js.charAt(end) == ':';
        if (key) {
          out.append('"').append(word).append('"');
        } else if (word.equals("true") || word.equals("false") || word.equals("null")) {
          out.append(word);
        } else {
          throw new MalformedModelException(
              "unexpected '" + word + "' at offset " + i + " of a model literal");
        }
        i = end;
      } else {
        throw new MalformedModelException(
            "unexpected '" + ch + "' at offset " + i + " of a model literal");
      }
    } while (depth > 0 && i < js.length());
    if (depth != 0) {
      throw new MalformedModelException("the model literal at offset " + start + " is not closed");
    }
    return out.toString();
  }

  /** Copies the string literal at {@code i} as a JSON string; returns the offset after it. */
  private static int string(String js, int i, StringBuilder out) {
    char quote = js.charAt(i);
    out.append('"');
    int j = i + 1;
    while (j < js.length() && js.charAt(j) != quote) {
      char c = js.charAt(j);
      if (c == '\\') {
        char next = js.charAt(j + 1);
        if (next == '\'') {
          out.append('\'');
        } else {
          out.append(c).append(next);
        }
        j += 2;
      } else {
        out.append(c == '"' ? "\\\"" : String.valueOf(c));
        j++;
      }
    }
    out.append('"');
    return j + 1;
  }
}
