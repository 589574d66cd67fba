package org.lucerna.job;

import java.time.Instant;

/**
 * A job as stored: an immutable snapshot. Every change makes a new snapshot; the store bumps {@code
 * version} on each save, so that two writers (a worker and a cancel, or two instances) cannot both
 * change the same snapshot.
 *
 * @param error why the job failed, null unless FAILED
 * @param cancelRequested a cancel arrived while the job ran; its worker stops at the next step
 * @param attempts how many times a worker started the job: each move to RUNNING counts one, and a
 *     graceful hand-back ({@link #handedBack}) gives it back, so what is left counts the runs that
 *     a crash interrupted plus the one that finished. Jobs stored before attempts were counted read
 *     with 0.
 */
public record Job(
    String id,
    JobSpec spec,
    JobStatus status,
    Progress progress,
    Timestamps times,
    String error,
    boolean cancelRequested,
    Submission submission,
    int attempts,
    long version) {

  /** When the job was created, started running (last), and finished. */
  public record Timestamps(Instant created, Instant started, Instant finished) {}

  /**
   * How the job came in.
   *
   * @param fingerprint identifies the request and model version: equal fingerprints render equal
   *     images
   * @param idempotencyKey the client's key, if it sent one
   * @param reusedFrom the finished job whose result this one serves instead of rendering, if any
   */
  public record Submission(String fingerprint, String idempotencyKey, String reusedFrom) {}

  public static Job queued(String id, JobSpec spec, Submission submission, Instant now) {
    return new Job(
        id,
        spec,
        JobStatus.QUEUED,
        Progress.start(spec.steps()),
        new Timestamps(now, null, null),
        null,
        false,
        submission,
        0,
        0);
  }

  /**
   * This job in {@code next} status at {@code now}; {@code error} is kept only for FAILED. A move
   * to RUNNING counts an attempt.
   */
  public Job moveTo(JobStatus next, Instant now, String error) {
    if (!status.canMoveTo(next)) {
      throw new IllegalTransitionException(id, status, next);
    }
    Instant started =
        next == JobStatus.RUNNING ? now : next == JobStatus.QUEUED ? null : times.started();
    Instant finished = next.isFinal() ? now : null;
    Progress p = next == JobStatus.QUEUED ? Progress.start(spec.steps()) : progress;
    return new Job(
        id,
        spec,
        next,
        p,
        new Timestamps(times.created(), started, finished),
        next == JobStatus.FAILED ? error : null,
        cancelRequested && !next.isFinal(),
        submission,
        next == JobStatus.RUNNING ? attempts + 1 : attempts,
        version);
  }

  /**
   * This running job back in the queue because its worker stopped on purpose (a graceful shutdown):
   * the attempt it was on is not counted, since nothing about the job stopped it.
   */
  public Job handedBack(Instant now) {
    Job queued = moveTo(JobStatus.QUEUED, now, null);
    return new Job(
        id,
        spec,
        queued.status,
        queued.progress,
        queued.times,
        null,
        queued.cancelRequested,
        submission,
        Math.max(0, attempts - 1),
        version);
  }

  public Job withProgress(Progress next) {
    return new Job(
        id, spec, status, next, times, error, cancelRequested, submission, attempts, version);
  }

  public Job withCancelRequested() {
    return new Job(id, spec, status, progress, times, error, true, submission, attempts, version);
  }

  Job withVersion(long next) {
    return new Job(
        id, spec, status, progress, times, error, cancelRequested, submission, attempts, next);
  }
}
