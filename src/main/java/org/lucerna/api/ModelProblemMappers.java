package org.lucerna.api;

import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.lucerna.model.ModelException;

/**
 * Model errors as problem documents: not found 404, a bad name 400, an unusable or refused model
 * 422.
 */
public class ModelProblemMappers {

  @ServerExceptionMapper
  public Response notFound(ModelException.NotFound e) {
    return respond(Problem.of(404, "model-not-found", "No such model or version", e.getMessage()));
  }

  @ServerExceptionMapper
  public Response invalidName(ModelException.InvalidName e) {
    return respond(
        Problem.invalid(
            400, e.getMessage(), List.of(new Problem.FieldError("name", e.getMessage()))));
  }

  @ServerExceptionMapper
  public Response forbidden(ModelException.Forbidden e) {
    return respond(
        Problem.of(422, "model-forbidden", "The model uses forbidden ops", e.getMessage()));
  }

  @ServerExceptionMapper
  public Response unusable(ModelException e) {
    return respond(Problem.of(422, "model-unusable", "The model cannot be used", e.getMessage()));
  }

  private static Response respond(Problem p) {
    return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
  }
}
