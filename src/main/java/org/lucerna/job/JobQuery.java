package org.lucerna.job;

import java.util.Set;

/**
 * Which jobs to list: all conditions must hold (a null or empty one holds for every job). Results
 * come in id order, which is creation order; {@code after} continues a listing after the job of
 * that id.
 */
public record JobQuery(
    Set<JobStatus> statuses,
    String model,
    String fingerprint,
    String idempotencyKey,
    String after,
    int limit) {

  public static JobQuery all(int limit) {
    return new JobQuery(Set.of(), null, null, null, null, limit);
  }

  public boolean matches(Job job) {
    return (statuses == null || statuses.isEmpty() || statuses.contains(job.status()))
        && (model == null || model.equals(job.spec().model()))
        && (fingerprint == null || fingerprint.equals(job.submission().fingerprint()))
        && (idempotencyKey == null || idempotencyKey.equals(job.submission().idempotencyKey()))
        && (after == null || job.id().compareTo(after) > 0);
  }
}
