package org.lucerna.job;

import java.util.Set;

/**
 * Which jobs to list: all conditions must hold (a null or empty one holds for every job). Results
 * come in id order, which is creation order, oldest first or, with {@code newestFirst}, newest
 * first; {@code after} continues a listing after the job of that id (in the listing's order).
 *
 * @param layer a layer the job's objective reads (any of its terms)
 */
public record JobQuery(
    Set<JobStatus> statuses,
    String model,
    String layer,
    String fingerprint,
    String idempotencyKey,
    String after,
    boolean newestFirst,
    int limit) {

  /** Oldest first, any layer: the form the service's own look-ups use. */
  public JobQuery(
      Set<JobStatus> statuses,
      String model,
      String fingerprint,
      String idempotencyKey,
      String after,
      int limit) {
    this(statuses, model, null, fingerprint, idempotencyKey, after, false, limit);
  }

  public static JobQuery all(int limit) {
    return new JobQuery(Set.of(), null, null, null, null, limit);
  }

  public boolean matches(Job job) {
    return (statuses == null || statuses.isEmpty() || statuses.contains(job.status()))
        && (model == null || model.equals(job.spec().model()))
        && (layer == null || job.spec().objective().layers().contains(layer))
        && (fingerprint == null || fingerprint.equals(job.submission().fingerprint()))
        && (idempotencyKey == null || idempotencyKey.equals(job.submission().idempotencyKey()))
        && (after == null
            || (newestFirst ? job.id().compareTo(after) < 0 : job.id().compareTo(after) > 0));
  }
}
