package org.lucerna.job;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where jobs are kept. Small on purpose: a second implementation (a database shared by several
 * instances) passes the same contract test. Saves are optimistic: {@link #save} succeeds only on
 * the version it was read at, which is how a worker claims a job safely.
 */
public interface JobStore {

  /**
   * Adds a new job (version 0); fails if the id exists. Idempotency keys are unique: when another
   * job holds the new job's key, nothing is added and {@link IdempotencyKeyTakenException} names
   * that job, so that concurrent submissions with one key make one job (a database: a unique index
   * on the key).
   *
   * @throws IdempotencyKeyTakenException when another job has the same idempotency key
   */
  void insert(Job job);

  Optional<Job> find(String id);

  /**
   * Stores {@code job} if the stored job still has {@code job.version()}, and returns it with the
   * next version.
   *
   * @throws StaleJobException if another save came first
   */
  Job save(Job job);

  /**
   * The jobs that match {@code query}, in id order (descending with {@code newestFirst}), at most
   * {@code query.limit()}.
   */
  List<Job> list(JobQuery query);

  /**
   * How many jobs wait in the queue ahead of job {@code id}: those QUEUED with a smaller id. One
   * count, not a listing, since every queued job's document shows it (a database answers it with
   * one query).
   */
  long countQueuedBefore(String id);

  /** Removes a job; false if there was none. */
  boolean delete(String id);

  /** How many times {@link #update} tries before it gives up. */
  int UPDATE_ATTEMPTS = 50;

  /**
   * Reads, changes and saves, again on a stale version, at most {@value #UPDATE_ATTEMPTS} times
   * with a growing pause between tries. The writers of one job are few (its worker, a cancel,
   * start-up recovery), so a change that loses that many races in a row means something writes in a
   * loop; it fails then rather than spinning for ever.
   *
   * @throws StaleJobException when every try lost to another save
   */
  default Job update(String id, UnaryOperator<Job> change) {
    StaleJobException last = null;
    for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      Job current = find(id).orElseThrow(() -> new JobNotFoundException(id));
      try {
        return save(change.apply(current));
      } catch (StaleJobException e) {
        last = e;
        if (attempt < 3) {
          Thread.onSpinWait();
        } else {
          java.util.concurrent.locks.LockSupport.parkNanos(Math.min(attempt, 20) * 100_000L);
        }
      }
    }
    throw last;
  }
}
