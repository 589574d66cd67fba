package org.lucerna.job;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where workers get jobs and how they write about a job they run: the one thing that differs
 * between one instance with its own store ({@link LocalWorkSource}: an in-memory queue of ids,
 * optimistic saves) and several instances on one database ({@code
 * org.lucerna.job.postgres.PgWorkSource}: claims under leases, heartbeats, fenced writes). The
 * worker pool and the job service only talk to this, so the render loop is the same in both.
 */
public interface WorkSource {

  /** At start-up: puts back in line what a previous run of this instance left unfinished. */
  void recover();

  /** Starts whatever runs beside the workers (heartbeats, sweeps); called once, before them. */
  default void start() {}

  /** Stops it, after the workers have stopped. */
  default void close() {}

  /**
   * Checked before a new job is stored: throws when no more jobs may wait.
   *
   * @throws QueueFullException when the queue is full
   */
  void checkRoom();

  /**
   * Puts a newly stored job in line for a worker. The caller deletes the job if this throws.
   *
   * @throws QueueFullException when the queue is full
   */
  void offer(String id);

  /** Jobs waiting for a worker (for the queue gauge). */
  long queued();

  /** How many jobs may wait. */
  int capacity();

  /**
   * The next job for worker {@code worker}, already RUNNING and this worker's; empty after about
   * {@code wait} without one.
   */
  Optional<Run> next(String worker, Duration wait) throws InterruptedException;

  /**
   * One job a worker runs: every write about it goes through here. {@link #progress} and {@link
   * #snapshot} are called from the worker's writer thread (one call at a time, in order, never
   * after {@link #finish} or {@link #handBack}), the other methods from the render thread; {@link
   * #cancelRequested} and {@link #lost} are asked before every step, so they read memory only.
   */
  interface Run {

    /** The job as this run sees it: RUNNING, with the progress written so far. */
    Job job();

    /**
     * Records {@code progress}, its objective curve included; the snapshots recorded so far are
     * kept (those of {@code progress} are ignored: {@link #snapshot} records them). Coalesced by
     * the caller: not every step, and a newer progress replaces one not yet written.
     */
    void progress(Progress progress);

    /** Stores the images of snapshot {@code step} and adds the step to the job's progress. */
    void snapshot(int step, Map<String, byte[]> images);

    /**
     * A cancel was asked for (or the job is gone): stop at the next step. Asked before every step:
     * memory only, no store read.
     */
    boolean cancelRequested();

    /**
     * The job is not this run's any more (another instance took it over): stop and keep nothing.
     */
    boolean lost();

    /**
     * Ends the job: {@code change} turns the job as it stands into its final state, stored with
     * {@code images}. Empty when the job was not this run's any more and nothing was written.
     */
    Optional<Job> finish(UnaryOperator<Job> change, Map<String, byte[]> images);

    /** Puts the job back in line without counting a run (the instance is stopping). */
    void handBack();
  }
}
