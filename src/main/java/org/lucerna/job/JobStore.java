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

  /** Adds a new job (version 0); fails if the id exists. */
  void insert(Job job);

  Optional<Job> find(String id);

  /**
   * Stores {@code job} if the stored job still has {@code job.version()}, and returns it with the
   * next version.
   *
   * @throws StaleJobException if another save came first
   */
  Job save(Job job);

  /** The jobs that match {@code query}, in id order, at most {@code query.limit()}. */
  List<Job> list(JobQuery query);

  /**
   * How many jobs wait in the queue ahead of job {@code id}: those QUEUED with a smaller id. One
   * count, not a listing, since every queued job's document shows it (a database answers it with
   * one query).
   */
  long countQueuedBefore(String id);

  /** Removes a job; false if there was none. */
  boolean delete(String id);

  /** Reads, changes and saves, again on a stale version. Returns the saved job. */
  default Job update(String id, UnaryOperator<Job> change) {
    while (true) {
      Job current = find(id).orElseThrow(() -> new JobNotFoundException(id));
      try {
        return save(change.apply(current));
      } catch (StaleJobException e) {
        Thread.onSpinWait();
      }
    }
  }
}
