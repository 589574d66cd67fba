package org.lucerna.job.postgres;

import java.util.Set;
import org.lucerna.job.Progress;

/** What a heartbeat sends for one leased job, and what it learns back. */
public final class Heartbeat {
  private Heartbeat() {}

  /** One job's renewal, with its latest progress (null: renew only). */
  public record Beat(Lease lease, Progress progress) {}

  /**
   * @param renewed jobs whose lease was renewed
   * @param cancelRequested renewed jobs whose cancel was asked for: stop and {@link
   *     PgJobQueue#finish} CANCELLED
   * @param lost jobs that are not this worker's any more (rescued, taken by another claim,
   *     deleted): stop and throw the result away
   */
  public record Result(Set<String> renewed, Set<String> cancelRequested, Set<String> lost) {}
}
