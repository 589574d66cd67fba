package org.lucerna.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.lucerna.model.ErrorText;

/**
 * An error body in the form of RFC 9457 ({@code application/problem+json}).
 *
 * @param errors for a request that failed validation, each offending field and what is wrong with
 *     it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, List<FieldError> errors) {

  /**
   * Every answer's text passes here: paths of the server, class names and stack lines are taken out
   * ({@link ErrorText}), whatever raised the problem.
   */
  public Problem {
    detail = ErrorText.redact(detail);
    if (errors != null) {
      errors =
          errors.stream()
              .map(f -> new FieldError(f.field(), ErrorText.redact(f.message())))
              .toList();
    }
  }

  public static final String MEDIA_TYPE = "application/problem+json";

  public record FieldError(String field, String message) {}

  static Problem of(int status, String kind, String title, String detail) {
    return new Problem("urn:lucerna:problem:" + kind, title, status, detail, null);
  }

  static Problem invalid(int status, String detail, List<FieldError> errors) {
    return new Problem(
        "urn:lucerna:problem:invalid-request", "The request is not valid", status, detail, errors);
  }
}
