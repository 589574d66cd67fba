package org.lucerna.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * Configuration of the workers, the job stores and the time limit (the queue's bound is in {@link
 * Limits}).
 */
@ConfigMapping(prefix = "lucerna")
public interface JobsConfig {

  Workers workers();

  Jobs jobs();

  Data data();

  interface Data {
    /** Where jobs and images are kept ({@code jobs/}, {@code images/}). */
    @WithDefault("data")
    java.nio.file.Path dir();

    /**
     * {@code file}: jobs and images survive a restart; {@code memory}: they do not; {@code
     * postgres}: several instances share them in the database {@code quarkus.datasource.*} names.
     */
    @WithDefault("file")
    String store();

    /**
     * How long finished jobs and their images are kept after they finished; older ones are removed
     * by {@link Retention}.
     */
    @WithDefault("P30D")
    java.time.Duration retention();
  }

  interface Jobs {
    /** The longest a job may run; past it, it ends FAILED and its worker takes the next job. */
    @WithDefault("PT10M")
    java.time.Duration timeLimit();

    /**
     * Runs a job may start before it ends FAILED because its worker kept dying (with several
     * instances: its lease expired); a graceful shutdown that hands a job back does not count.
     */
    @WithDefault("3")
    int maxAttempts();
  }

  interface Workers {
    /** {@code cpu}, or GPUs such as {@code gpu:0,gpu:1}. */
    @WithDefault("cpu")
    List<String> devices();

    /** Workers on each device; each owns its sessions. */
    @WithDefault("1")
    int perDevice();

    /** Threads inside one op per session; 0 lets TensorFlow use every core. */
    @WithDefault("0")
    int intraOpThreads();

    /** Ops run side by side per session; 0 lets TensorFlow choose. */
    @WithDefault("0")
    int interOpThreads();

    /**
     * Compiled plans each worker keeps; a job whose structure matches one starts without building.
     */
    @WithDefault("4")
    int planCacheSize();

    /**
     * The layer whose standard-recipe plan each worker builds and runs once before its first job
     * (the README's example layer); a default model without it warms its first layer instead.
     */
    @WithDefault("mixed4")
    String warmupLayer();
  }
}
