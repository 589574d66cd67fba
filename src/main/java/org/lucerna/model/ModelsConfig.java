package org.lucerna.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;

/** Configuration of the model repository. */
@ConfigMapping(prefix = "lucerna.models")
public interface ModelsConfig {

  /** The repository folder, {@code <root>/<name>/<version>/saved_model.pb}. */
  @WithDefault("models")
  Path root();

  /** The model of a request that names none. */
  @WithName("default")
  @WithDefault(TinyCnn.NAME)
  String defaultModel();

  /** Whether to write the built-in tiny CNN into the repository at start-up when it is missing. */
  @WithDefault("true")
  boolean builtin();
}
