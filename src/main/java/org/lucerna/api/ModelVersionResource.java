package org.lucerna.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestPath;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelUploads;

/**
 * {@code DELETE /models/{name}/versions/{version}}: removes a version, with the admin key. Its
 * {@code PUT} is {@link ModelUploadRoute}.
 */
@Path("/models/{name}/versions/{version}")
public class ModelVersionResource {
  private final ModelAdmin admin;

  public ModelVersionResource(ModelAdmin admin) {
    this.admin = admin;
  }

  /** 204 once the version is gone from the repository, memory and the prepared-model cache. */
  @DELETE
  public Response delete(
      @RestPath String name,
      @RestPath String version,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    Optional<ModelAdmin.Refusal> refused = admin.refusal(authorization);
    if (refused.isPresent()) {
      Response.ResponseBuilder r = problem(refused.get().problem());
      refused.get().headers().forEach(r::header);
      return r.build();
    }
    long v;
    try {
      v = Long.parseLong(version);
    } catch (NumberFormatException e) {
      v = 0;
    }
    if (v < 1 || v > ModelUploads.MAX_VERSION) {
      String message =
          "'"
              + version
              + "' is not a version: a whole number from 1 to "
              + ModelUploads.MAX_VERSION;
      return problem(
              Problem.invalid(400, message, List.of(new Problem.FieldError("version", message))))
          .build();
    }
    try {
      admin.uploads().delete(name, v);
    } catch (ModelException e) {
      return problem(ModelAdmin.problemOf(e)).build();
    }
    return Response.noContent().build();
  }

  private static Response.ResponseBuilder problem(Problem p) {
    return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p);
  }
}
