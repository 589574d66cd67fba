package org.lucerna.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.lucerna.job.InvalidJobException;
import org.lucerna.job.Limits;

/**
 * Every JSON body, before Jackson binds it: counted as it is read and cut at {@code
 * lucerna.limits.max-body-bytes} (413), whether it came with a {@code Content-Length} or chunked
 * ({@link BodySizeFilter} refuses a declared length before anything is read); then every string
 * value of it, wherever it sits (a model name, an objective, a layer of a term...), is checked for
 * control characters (422 naming the field). One place for every field, present and future.
 */
@Provider
public class JsonBodyCheck implements ReaderInterceptor {
  private static final JsonFactory JSON = new JsonFactory();

  /** Fields whose text may hold line breaks and tabs: base64 as tools wrap it. */
  private static final Set<String> WHITESPACE_ALLOWED = Set.of(StartImageUpload.FIELD);

  // Looked up at the first request: interceptors are made before the configuration is mapped.
  private final jakarta.inject.Provider<Limits> limits;

  public JsonBodyCheck(jakarta.inject.Provider<Limits> limits) {
    this.limits = limits;
  }

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    if (context.getMediaType() == null
        || !MediaType.APPLICATION_JSON_TYPE.isCompatible(context.getMediaType())) {
      return context.proceed();
    }
    byte[] body = readAtMost(context.getInputStream(), limits.get().maxBodyBytes());
    checkStrings(body);
    context.setInputStream(new ByteArrayInputStream(body));
    return context.proceed();
  }

  private static byte[] readAtMost(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
      if (total > max) {
        throw new ProblemException(
            Problem.invalid(
                413,
                "the body has more than " + max + " bytes; at most " + max + " are accepted",
                List.of(new Problem.FieldError("body", "must be at most " + max + " bytes"))),
            null);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /**
   * Refuses the first string value with a control character. A body that is not JSON is left to
   * Jackson, which says where it breaks.
   */
  static void checkStrings(byte[] body) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        if (t != JsonToken.VALUE_STRING) {
          continue;
        }
        String text = p.getText();
        String field = path(p.getParsingContext());
        boolean whitespaceAllowed = WHITESPACE_ALLOWED.contains(field);
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          if (Character.getType(c) == Character.CONTROL
              && !(whitespaceAllowed && (c == '\n' || c == '\r' || c == '\t'))) {
            throw new InvalidJobException(
                field.isEmpty() ? "body" : field,
                String.format(
                    "must not contain control characters; found U+%04X at character %d",
                    (int) c, i));
          }
        }
      }
    } catch (JsonProcessingException e) {
      // not JSON: Jackson's own reading refuses it with 400
    }
  }

  /** {@code objective.terms[0].layer}: the field's path as the problem documents name fields. */
  private static String path(JsonStreamContext context) {
    StringBuilder b = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        b.insert(0, "[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        b.insert(
            0, (c.getParent() != null && !c.getParent().inRoot() ? "." : "") + c.getCurrentName());
      }
    }
    return b.toString();
  }
}
