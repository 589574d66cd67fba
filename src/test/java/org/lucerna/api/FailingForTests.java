package org.lucerna.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * A resource that only the tests deploy (it lives in src/test): it fails the way a bug would, with
 * a message full of what must not reach a client.
 */
@Path("/test-only/fail")
public class FailingForTests {
  static final String SECRET = "/srv/lucerna/secret/place";

  @GET
  public String fail() {
    throw new IllegalStateException("cannot open " + SECRET + " (java.io.FileNotFoundException)");
  }
}
