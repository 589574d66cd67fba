package org.lucerna.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What one request may ask for; the defaults fit one GPU pod. */
@ConfigMapping(prefix = "lucerna.limits")
public interface LimitsConfig {

  /** Image height and width, each, in pixels. */
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

  /**
   * Bytes of a request body; a larger one is refused with 413 before it is read. The default takes a
   * start image of 512×512 pixels as a PNG of noise (the worst case) in base64.
   */
  @WithDefault("2097152")
  long maxBodyBytes();

  /** Pixels of an uploaded start image (width × height of the file, before it is resized). */
  @WithDefault("16777216")
  long maxStartImagePixels();
}
