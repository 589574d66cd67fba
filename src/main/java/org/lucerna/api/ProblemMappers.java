package org.lucerna.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.lucerna.job.IdempotencyConflictException;
import org.lucerna.job.InvalidJobException;
import org.lucerna.job.JobNotFinishedException;
import org.lucerna.job.JobNotFoundException;
import org.lucerna.job.PlanTooLargeException;
import org.lucerna.job.QueueFullException;
import org.lucerna.optvis.SpecFormatException;

/** Every error the API can answer, as a problem document. */
public class ProblemMappers {
  @jakarta.inject.Inject org.lucerna.job.JobMetrics metrics;

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  /** Seconds a refused submission should wait: about one small render. */
  static final String QUEUE_RETRY_AFTER_SECONDS = "5";

  @ServerExceptionMapper
  public Response problem(ProblemException e) {
    return respond(e.problem(), e.retryAfter());
  }

  @ServerExceptionMapper
  public Response notFound(JobNotFoundException e) {
    return respond(Problem.of(404, "job-not-found", "No such job", e.getMessage()), null);
  }

  @ServerExceptionMapper
  public Response invalidJob(InvalidJobException e) {
    return invalidField(e.field(), e.getMessage());
  }

  /**
   * An objective, parametrization or transform list of the request that does not fit its format.
   */
  @ServerExceptionMapper
  public Response invalidSpec(SpecFormatException e) {
    return invalidField(e.field(), e.getMessage());
  }

  /**
   * A render that would need more memory than the limit: 422, the estimate and the limit in the
   * detail, and each field the memory grows with listed, so a client knows what to lower.
   */
  @ServerExceptionMapper
  public Response planTooLarge(PlanTooLargeException e) {
    metrics.rejected(org.lucerna.job.JobMetrics.VALIDATION);
    List<Problem.FieldError> errors =
        PlanTooLargeException.FIELDS.stream()
            .map(
                f ->
                    new Problem.FieldError(
                        f,
                        "the render's memory grows with it: about "
                            + org.lucerna.optvis.PlanMemory.bytes(e.estimate().total())
                            + " here, at most "
                            + org.lucerna.optvis.PlanMemory.bytes(e.limit())))
            .toList();
    return respond(Problem.invalid(422, e.getMessage(), errors), null);
  }

  private Response invalidField(String field, String message) {
    metrics.rejected(org.lucerna.job.JobMetrics.VALIDATION);
    return respond(
        Problem.invalid(422, message, List.of(new Problem.FieldError(field, message))), null);
  }

  @ServerExceptionMapper
  public Response notFinished(JobNotFinishedException e) {
    return respond(
        Problem.of(
            409,
            "not-finished",
            "The job has not finished",
            e.getMessage() + "; cancel it first, or wait"),
        JobResource.RETRY_AFTER_SECONDS);
  }

  @ServerExceptionMapper
  public Response idempotency(IdempotencyConflictException e) {
    return respond(
        Problem.invalid(
            422,
            e.getMessage(),
            List.of(new Problem.FieldError("Idempotency-Key", "was used for another request"))),
        null);
  }

  @ServerExceptionMapper
  public Response queueFull(QueueFullException e) {
    return respond(
        Problem.of(503, "queue-full", "The queue is full", e.getMessage()),
        QUEUE_RETRY_AFTER_SECONDS);
  }

  @ServerExceptionMapper
  public Response violations(ConstraintViolationException e) {
    metrics.rejected(org.lucerna.job.JobMetrics.VALIDATION);
    List<Problem.FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> v : e.getConstraintViolations()) {
      errors.add(new Problem.FieldError(fieldOf(v.getPropertyPath()), v.getMessage()));
    }
    errors.sort(Comparator.comparing(Problem.FieldError::field));
    String detail =
        errors.stream().map(f -> f.field() + " " + f.message()).collect(Collectors.joining("; "));
    return respond(Problem.invalid(422, detail, errors), null);
  }

  @ServerExceptionMapper
  public Response unrecognized(UnrecognizedPropertyException e) {
    return malformed(e);
  }

  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e) {
    return malformed(e);
  }

  @ServerExceptionMapper
  public Response mapping(JsonMappingException e) {
    return malformed(e);
  }

  @ServerExceptionMapper
  public Response parse(JsonParseException e) {
    return respond(
        Problem.invalid(400, "the body is not valid JSON: " + e.getOriginalMessage(), null), null);
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e) {
    return respond(
        Problem.invalid(400, "the body is not valid JSON: " + e.getOriginalMessage(), null), null);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (e.getCause() instanceof JsonProcessingException j) {
      return j instanceof JsonMappingException m ? malformed(m) : json(j);
    }
    String title =
        Response.Status.fromStatusCode(status) == null
            ? "Error"
            : Response.Status.fromStatusCode(status).getReasonPhrase();
    return respond(Problem.of(status, "http-" + status, title, e.getMessage()), null);
  }

  /**
   * Anything else: the answer says only that something failed, with an id the log line carries
   * beside the full error, so that an operator can find it.
   */
  @ServerExceptionMapper
  public Response unexpected(RuntimeException e) {
    String id = errorId();
    LOG.errorf(e, "unexpected error, error id %s", id);
    return respond(
        Problem.of(
            500,
            "internal",
            "Internal error",
            "something failed on the server; the log has it under error id " + id),
        null);
  }

  /** 12 hex digits: enough to find one log line, too short to mean anything else. */
  static String errorId() {
    return String.format(
        "%012x", java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 48));
  }

  private Response malformed(JsonMappingException e) {
    if (e.getCause() instanceof SpecFormatException spec) {
      return invalidSpec(spec); // thrown by a bound type's deserializer, which Jackson wraps
    }
    if (e.getCause() instanceof InvalidJobException invalid) {
      return invalidJob(
          invalid); // thrown by a field's own deserializer, such as the request's input
    }
    String field =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    String message;
    if (e instanceof UnrecognizedPropertyException u) {
      message = "is not a known field; known fields: " + u.getKnownPropertyIds();
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      message = "must be " + describe(m.getTargetType());
    } else {
      message = e.getOriginalMessage();
    }
    if (field.isEmpty()) {
      return respond(
          Problem.invalid(400, "the body does not fit the request format: " + message, null), null);
    }
    return respond(
        Problem.invalid(
            400, field + " " + message, List.of(new Problem.FieldError(field, message))),
        null);
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "a JSON object";
  }

  /** The request field a violation is about: the path after the method and its parameter. */
  private static String fieldOf(Path path) {
    StringBuilder field = new StringBuilder();
    for (Path.Node node : path) {
      if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER) {
        continue;
      }
      if (node.getIndex() != null && node.getKind() == ElementKind.CONTAINER_ELEMENT) {
        field.append('[').append(node.getIndex()).append(']');
        continue;
      }
      if (node.getName() != null && !node.getName().startsWith("<")) {
        if (field.length() > 0) {
          field.append('.');
        }
        field.append(node.getName());
      }
      if (node.getIndex() != null) {
        field.append('[').append(node.getIndex()).append(']');
      }
    }
    return field.length() == 0 ? "body" : field.toString();
  }

  private static Response respond(Problem p, String retryAfter) {
    Response.ResponseBuilder r = Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p);
    if (retryAfter != null) {
      r.header("Retry-After", retryAfter);
    }
    return r.build();
  }
}
