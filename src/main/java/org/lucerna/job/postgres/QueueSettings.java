package org.lucerna.job.postgres;

import java.time.Duration;

/**
 * How the shared queue treats jobs.
 *
 * @param clientId the fairness group of jobs this instance inserts ({@code anonymous} until
 *     requests carry one)
 * @param lease how long a claim holds without a heartbeat ({@code lucerna.store.lease}, 30 s)
 * @param maxAttempts claims a job may use before a lost worker fails it ({@code
 *     lucerna.jobs.max-attempts}, 3)
 * @param timeLimit the longest one run of a job ({@code lucerna.jobs.time-limit})
 * @param perClientRunning jobs of one client running at once across all instances ({@code
 *     lucerna.fairness.per-client-running})
 * @param backoff how long a rescued job waits before its next claim, doubled per attempt, at most a
 *     minute
 */
public record QueueSettings(
    String clientId,
    Duration lease,
    int maxAttempts,
    Duration timeLimit,
    int perClientRunning,
    Duration backoff) {

  public QueueSettings {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("the lease must be positive, got " + lease);
    }
    if (maxAttempts < 1 || perClientRunning < 1) {
      throw new IllegalArgumentException("max attempts and per-client running must be at least 1");
    }
  }

  public static QueueSettings defaults() {
    return new QueueSettings(
        "anonymous",
        Duration.ofSeconds(30),
        3,
        Duration.ofMinutes(10),
        Integer.MAX_VALUE,
        Duration.ofSeconds(1));
  }

  public QueueSettings withLease(Duration next) {
    return new QueueSettings(clientId, next, maxAttempts, timeLimit, perClientRunning, backoff);
  }

  public QueueSettings withPerClientRunning(int next) {
    return new QueueSettings(clientId, lease, maxAttempts, timeLimit, next, backoff);
  }

  public QueueSettings withMaxAttempts(int next) {
    return new QueueSettings(clientId, lease, next, timeLimit, perClientRunning, backoff);
  }

  public QueueSettings withBackoff(Duration next) {
    return new QueueSettings(clientId, lease, maxAttempts, timeLimit, perClientRunning, next);
  }

  public QueueSettings withTimeLimit(Duration next) {
    return new QueueSettings(clientId, lease, maxAttempts, next, perClientRunning, backoff);
  }

  double leaseSeconds() {
    return lease.toMillis() / 1000.0;
  }
}
