package org.lucerna.model;

import java.util.Locale;
import java.util.regex.Pattern;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * What of an error may reach a client. Answers go to whoever can reach the port, so they say what
 * went wrong in the request's terms and nothing of the server: no absolute path (the repository,
 * the data folder, the temporary folder), no Java class name, no stack text. The full error goes to
 * the log, where the operator looks.
 */
public final class ErrorText {
  /**
   * An absolute path: a slash-led run of at least two segments, not inside a word or a URL, and not
   * the service's own route after an HTTP method ("poll GET /jobs/…" is advice to the client).
   */
  private static final Pattern ABSOLUTE_PATH =
      Pattern.compile(
          "(?<![\\w.~:/-])(?<!(?:GET|POST|PUT|DELETE) )/(?:[^\\s/'\"`\\[\\](){},;:]+/)+([^\\s/'\"`\\[\\](){},;:]*)");

  private static final Pattern FILE_URL = Pattern.compile("file://(?=/)");

  /** {@code java.io.IOException: } and the like, with what follows kept. */
  private static final Pattern EXCEPTION_CLASS =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:\\$\\w+)*(?:Exception|Error)\\b:? ?");

  /** Other fully qualified Java names shrink to their simple name. */
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "\\b(?:java|javax|jakarta|org|com|io|sun|jdk)\\.(?:[a-z0-9_]+\\.)+([A-Z]\\w*(?:\\$\\w+)*)");

  private static final Pattern STACK_LINE =
      Pattern.compile("(?m)^\\s*(?:at [\\w.$/<>]+\\(.*\\)|\\.\\.\\. \\d+ more|Caused by: .*)$\\R?");

  /** The longest text an answer carries from an error. */
  private static final int MAX_CHARS = 2000;

  private ErrorText() {}

  /** {@code text} with paths, class names and stack lines taken out; null stays null. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String s = STACK_LINE.matcher(text).replaceAll("");
    s = FILE_URL.matcher(s).replaceAll("");
    s = ABSOLUTE_PATH.matcher(s).replaceAll(m -> m.group(1).isEmpty() ? "…/" : "…/$1");
    s = EXCEPTION_CLASS.matcher(s).replaceAll("");
    s = QUALIFIED.matcher(s).replaceAll("$1");
    s = s.strip();
    return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) + "…" : s;
  }

  /**
   * A short reason for a failure that was not foreseen, for a job's or a model's document: what
   * kind of failure, and for TensorFlow's errors the first line of its message (the rest names
   * kernels and nodes), without paths.
   */
  public static String reason(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return "out of memory: try a smaller image size or batch";
    }
    if (t instanceof ModelException) {
      return redact(t.getMessage());
    }
    if (t instanceof TensorFlowException) {
      String kind =
          t.getClass()
              .getSimpleName()
              .replaceFirst("^TF", "")
              .replaceFirst("Exception$", "")
              .replaceAll("([a-z])([A-Z])", "$1 $2")
              .toLowerCase(Locale.ROOT);
      if (kind.equals("resource exhausted")) {
        return "TensorFlow ran out of memory: try a smaller image size or batch";
      }
      String first = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
      first = redact(first);
      if (first.length() > 200) {
        first = first.substring(0, 200) + "…";
      }
      return "TensorFlow failed"
          + (kind.equals("tensor flow") ? "" : " (" + kind + ")")
          + (first.isEmpty() ? "" : ": " + first);
    }
    return "an internal error stopped it";
  }
}
