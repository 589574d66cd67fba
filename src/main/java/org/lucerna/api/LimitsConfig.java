package org.lucerna.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What one request may ask for; the defaults fit one GPU pod. */
@ConfigMapping(prefix = "lucerna.limits")
public interface LimitsConfig {

  /** Image height and width, in pixels. */
  @WithDefault("1024")
  int maxSize();

  @WithDefault("10000")
  int maxSteps();

  /** Images rendered together in one job. */
  @WithDefault("16")
  int maxBatch();

  /** Snapshot steps in one request. */
  @WithDefault("64")
  int maxSnapshots();

  /** Bytes of a request body; a larger one is refused with 413 before it is read. */
  @WithDefault("1048576")
  long maxBodyBytes();
}
