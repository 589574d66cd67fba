package org.lucerna.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every bound on what a client may ask of the service, in one place. The bounds a deployment may
 * change are configured ({@code lucerna.limits.*}, {@code lucerna.queue.capacity}); their defaults
 * here are the ones application.properties and the README's configuration table state (a test holds
 * them together) and fit one GPU pod. Each past its limit: 422 naming the limit, 413 for the body,
 * 503 for the queue. The fixed bounds and a request's defaults are the constants below; the fixed
 * bounds of the objective, parametrization and transform formats are {@code
 * org.lucerna.optvis.FormatLimits}.
 */
@ConfigMapping(prefix = "lucerna")
public interface Limits {
  /** Below this, the standard transforms leave nothing to render. */
  int MIN_SIZE = 8;

  int DEFAULT_SIZE = 128;
  int DEFAULT_STEPS = 512;
  double DEFAULT_LEARNING_RATE = 0.05;

  /** Jobs one page of {@code GET /jobs} lists. */
  int MAX_PAGE = 500;

  /** Image height and width, each, in pixels. */
  @WithName("limits.max-size")
  @WithDefault("1024")
  int maxSize();

  @WithName("limits.max-steps")
  @WithDefault("10000")
  int maxSteps();

  /** Images rendered together in one job. */
  @WithName("limits.max-batch")
  @WithDefault("16")
  int maxBatch();

  /** Snapshot steps in one request. */
  @WithName("limits.max-snapshots")
  @WithDefault("64")
  int maxSnapshots();

  /**
   * Bytes of a request body; a larger one is refused with 413 before it is read. The default takes
   * a start image of 512×512 pixels as a PNG of noise (the worst case) in base64.
   */
  @WithName("limits.max-body-bytes")
  @WithDefault("2097152")
  long maxBodyBytes();

  /** Pixels of an uploaded start image (width × height of the file, before it is resized). */
  @WithName("limits.max-start-image-pixels")
  @WithDefault("16777216")
  long maxStartImagePixels();

  /**
   * Bytes one render may need, as {@link org.lucerna.optvis.PlanMemory} reckons them for the
   * largest image its transforms can make; a larger request is refused with 422. The default fits a
   * 24 GiB machine running one worker: the Java heap (a quarter of the memory by default, the
   * prepared-model cache in it), the worker's cached plans and one render of this size beside them.
   * On a GPU, set it to a fraction of the device's memory (README).
   */
  @WithName("limits.max-plan-bytes")
  @WithDefault("" + DEFAULT_MAX_PLAN_BYTES)
  long maxPlanBytes();

  /** 8 GiB. */
  long DEFAULT_MAX_PLAN_BYTES = 8L << 30;

  /**
   * Start images decoded at once, across all requests; a submission that finds them all busy waits
   * up to {@link #DECODE_WAIT_SECONDS} s, then gets 503 with Retry-After. A 2 MiB PNG can decode
   * into 16M pixels (64 MB), so this bounds the memory decoding takes.
   */
  @WithName("limits.max-concurrent-decodes")
  @WithDefault("2")
  int maxConcurrentDecodes();

  /** How long a submission waits for a decode slot. */
  int DECODE_WAIT_SECONDS = 10;

  /**
   * Event streams ({@code GET /jobs/{id}/events}) open at once on this instance; one more gets 503
   * with Retry-After. Each open stream reads its job every 200 ms.
   */
  @WithName("limits.max-event-streams")
  @WithDefault("256")
  int maxEventStreams();

  /** Jobs waiting beyond those running; a submission past it gets 503 at once. */
  @WithName("queue.capacity")
  @WithDefault("256")
  int queueCapacity();

  /**
   * Channels of a sweep rendered together, as the images of one batch job: on a GPU, one step of 8
   * images costs little more than one of 1.
   */
  @WithName("sweeps.batch")
  @WithDefault("8")
  int sweepBatch();
}
