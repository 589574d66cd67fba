package org.lucerna.job;

/**
 * A job was not added because another job already holds its idempotency key: the submission that
 * lost the race serves {@link #holder()} instead of making a second job.
 */
public final class IdempotencyKeyTakenException extends RuntimeException {
  private final transient Job holder;

  public IdempotencyKeyTakenException(Job holder) {
    super(
        "job "
            + holder.id()
            + " holds Idempotency-Key '"
            + holder.submission().idempotencyKey()
            + "'");
    this.holder = holder;
  }

  /** The job that holds the key, as stored when the insert was refused. */
  public Job holder() {
    return holder;
  }
}
