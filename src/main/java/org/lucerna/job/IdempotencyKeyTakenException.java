package org.lucerna.job;

/**
 * An insert named an Idempotency-Key that another job of the same client already holds: two
 * instances took the same key at the same time, and the unique index let one win. The caller reads
 * {@link #existingJobId()} and answers as for a repeated request (same fingerprint) or a conflict
 * (other one).
 */
public final class IdempotencyKeyTakenException extends RuntimeException {
  private final String key;
  private final String existingJobId;

  public IdempotencyKeyTakenException(String key, String existingJobId) {
    super("Idempotency-Key '" + key + "' is held by job " + existingJobId);
    this.key = key;
    this.existingJobId = existingJobId;
  }

  public String key() {
    return key;
  }

  public String existingJobId() {
    return existingJobId;
  }
}
