package org.lucerna.job.postgres;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the shared PostgreSQL store, read only when {@code lucerna.data.store=postgres}
 * (the datasource itself is {@code quarkus.datasource.*}).
 */
@ConfigMapping(prefix = "lucerna.store")
public interface StoreConfig {

  /** How long a worker's claim on a job holds without a heartbeat. */
  @WithDefault("30s")
  Duration lease();

  /** How often a worker renews its leases and writes its jobs' progress. */
  @WithDefault("1s")
  Duration heartbeat();

  /** How often every instance looks for expired leases ({@code off}: never). */
  @WithDefault("5s")
  String rescueEvery();

  /** The pause before a rescued job may be claimed again, doubled per attempt, at most a minute. */
  @WithDefault("1s")
  Duration rescueBackoff();

  /** Jobs of one client running at once across all instances. */
  @WithDefault("2147483647")
  int perClientRunning();

  /** Jobs one claim may take together (the head job and its batch mates); 1: one at a time. */
  @WithDefault("1")
  int batchMax();

  /** This instance's name in leases ({@code <instance>/<worker>}); the host name when unset. */
  Optional<String> instanceId();

  /**
   * The queue settings these keys give, with the jobs' time limit and attempts ({@code
   * lucerna.jobs.*}).
   */
  default QueueSettings queueSettings(Duration timeLimit, int maxAttempts) {
    return new QueueSettings(
        "anonymous", lease(), maxAttempts, timeLimit, perClientRunning(), rescueBackoff());
  }
}
