package org.lucerna.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.lucerna.job.Limits;

/**
 * Refuses a body over {@code lucerna.limits.max-body-bytes} by its declared length, before reading
 * it, with a problem document (HTTP's own limit, {@code quarkus.http.limits.max-body-size}, stays
 * above it as the bound for bodies sent without a length).
 */
public class BodySizeFilter {
  private final Limits limits;

  public BodySizeFilter(Limits limits) {
    this.limits = limits;
  }

  @ServerRequestFilter(preMatching = true)
  public Response check(ContainerRequestContext request) {
    String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return null;
    }
    long bytes;
    try {
      bytes = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    if (bytes <= limits.maxBodyBytes()) {
      return null;
    }
    Problem p =
        Problem.invalid(
            413,
            "the body has " + bytes + " bytes; at most " + limits.maxBodyBytes() + " are accepted",
            java.util.List.of(
                new Problem.FieldError(
                    "body", "must be at most " + limits.maxBodyBytes() + " bytes")));
    return Response.status(413).type(Problem.MEDIA_TYPE).entity(p).build();
  }
}
