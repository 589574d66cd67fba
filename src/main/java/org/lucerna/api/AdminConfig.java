package org.lucerna.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.util.Optional;

/** What guards the requests that change the model repository. */
@ConfigMapping(prefix = "lucerna.admin")
public interface AdminConfig {
  /**
   * The key that {@code PUT} and {@code DELETE /models/{name}/versions/{version}} must send as
   * {@code Authorization: Bearer <key>}. Unset (or empty): both are refused with 403, so that a
   * service deployed without thinking about it cannot be given a model by anyone.
   */
  @WithName("api-key")
  Optional<String> apiKey();
}
