package org.lucerna.job;

/** An Idempotency-Key was sent again with a request other than the one it was first used for. */
public final class IdempotencyConflictException extends RuntimeException {
  public IdempotencyConflictException(String key, String jobId) {
    super(
        "Idempotency-Key '"
            + key
            + "' was used for job "
            + jobId
            + " with another request;"
            + " use a new key for a new request");
  }
}
