package org.lucerna.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a job is in its life. The one table of allowed changes is {@link #canMoveTo}. */
public enum JobStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  private static final Map<JobStatus, Set<JobStatus>> NEXT =
      Map.of(
          // RUNNING → QUEUED: a job whose worker stopped (shutdown, restart) goes back to the
          // queue.
          QUEUED, EnumSet.of(RUNNING, CANCELLED, FAILED),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED),
          SUCCEEDED, EnumSet.noneOf(JobStatus.class),
          FAILED, EnumSet.noneOf(JobStatus.class),
          CANCELLED, EnumSet.noneOf(JobStatus.class));

  public boolean canMoveTo(JobStatus next) {
    return NEXT.get(this).contains(next);
  }

  public boolean isFinal() {
    return NEXT.get(this).isEmpty();
  }
}
