package org.lucerna.job;

import java.time.Instant;

/**
 * A job as stored: an immutable snapshot. Every change makes a new snapshot through {@link #moveTo} or
 * {@link #withProgress}; the store bumps {@code version} on each save, so that two writers cannot both
 * change the same snapshot.
 *
 * @param error why the job failed, null unless FAILED
 */
public record Job(
    String id,
    JobSpec spec,
    JobStatus status,
    Progress progress,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String error,
    long version) {

  public static Job queued(String id, JobSpec spec, Instant now) {
    return new Job(id, spec, JobStatus.QUEUED, Progress.start(spec.steps()), now, null, null, null, 0);
  }

  /** This job in {@code next} status at {@code now}; {@code error} is kept only for FAILED. */
  public Job moveTo(JobStatus next, Instant now, String error) {
    if (!status.canMoveTo(next)) {
      throw new IllegalTransitionException(id, status, next);
    }
    Instant started = next == JobStatus.RUNNING ? now : next == JobStatus.QUEUED ? null : startedAt;
    Instant finished = next.isFinal() ? now : null;
    Progress p = next == JobStatus.QUEUED ? Progress.start(spec.steps()) : progress;
    return new Job(id, spec, next, p, createdAt, started, finished,
        next == JobStatus.FAILED ? error : null, version);
  }

  public Job withProgress(Progress next) {
    return new Job(id, spec, status, next, createdAt, startedAt, finishedAt, error, version);
  }

  Job withVersion(long next) {
    return new Job(id, spec, status, progress, createdAt, startedAt, finishedAt, error, next);
  }
}
