package org.lucerna.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the model repository. */
@ConfigMapping(prefix = "lucerna.models")
public interface ModelsConfig {

  /** The repository folder, {@code <root>/<name>/<version>/saved_model.pb}. */
  @WithDefault("models")
  Path root();

  /**
   * The model of a request that names none; the built-in tiny CNN stands in while it is missing
   * (see {@link DefaultModel}).
   */
  @WithName("default")
  @WithDefault("inception_v3")
  String defaultModel();

  /** Whether to write the built-in tiny CNN into the repository at start-up when it is missing. */
  @WithDefault("true")
  boolean builtin();

  /** Bytes of prepared models held in memory (least recently used ones leave first): 1 GiB. */
  @WithName("cache-bytes")
  @WithDefault("1073741824")
  long cacheBytes();

  /** Where prepared models are kept across restarts; default {@code <root>/.prepared}. */
  @WithName("prepared-dir")
  Optional<Path> preparedDir();

  /** How often the repository is checked for removed models ({@code 30s}). */
  @WithName("rescan-interval")
  @WithDefault("30s")
  Duration rescanInterval();

  /**
   * Bytes of the body of an upload ({@code PUT /models/{name}/versions/{version}}): 413 beyond it,
   * by the declared length before the body is read, or as a body without one is read. Separate from
   * {@code lucerna.limits.max-body-bytes}, which bounds the JSON requests.
   */
  @WithName("max-upload-bytes")
  @WithDefault("1073741824")
  long maxUploadBytes();

  /** Entries of an uploaded archive (files and folders). */
  @WithName("max-upload-files")
  @WithDefault("10000")
  int maxUploadFiles();

  /** Bytes an uploaded archive may unpack to, counted as they are written. */
  @WithName("max-unpacked-bytes")
  @WithDefault("4294967296")
  long maxUnpackedBytes();

  default Path preparedDirOrDefault() {
    return preparedDir().orElse(root().resolve(".prepared"));
  }
}
