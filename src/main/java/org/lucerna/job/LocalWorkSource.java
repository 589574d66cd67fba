package org.lucerna.job;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * One instance on its own store (files or memory): job ids wait in this instance's {@link
 * JobQueue}; a worker takes a job by an optimistic save to RUNNING and writes through the store.
 */
public final class LocalWorkSource implements WorkSource {
  private static final Logger LOG = Logger.getLogger(LocalWorkSource.class);

  private final JobQueue queue;
  private final JobStore jobs;
  private final ImageStore images;
  private final Clock clock;
  private final int maxAttempts;

  /** A source that only takes submissions (it never recovers): the default attempt bound. */
  public LocalWorkSource(JobQueue queue, JobStore jobs, ImageStore images, Clock clock) {
    this(queue, jobs, images, clock, 3);
  }

  /**
   * @param maxAttempts {@code lucerna.jobs.max-attempts}: a job found RUNNING at start-up that has
   *     been started that many times ends FAILED instead of being queued again
   */
  public LocalWorkSource(
      JobQueue queue, JobStore jobs, ImageStore images, Clock clock, int maxAttempts) {
    this.queue = queue;
    this.jobs = jobs;
    this.images = images;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Puts the jobs a stopped run left queued or running back in the queue, oldest first. A job found
   * RUNNING was interrupted by a crash (a graceful stop hands its jobs back as QUEUED): it counts
   * that attempt, and one that has had {@code lucerna.jobs.max-attempts} ends FAILED instead, so
   * that a job that kills the process (a native out-of-memory) cannot do it at every start.
   */
  @Override
  public void recover() {
    List<Job> unfinished =
        jobs.list(
            new JobQuery(
                Set.of(JobStatus.QUEUED, JobStatus.RUNNING),
                null,
                null,
                null,
                null,
                Integer.MAX_VALUE));
    int requeued = 0;
    for (Job job : unfinished) {
      Job now = job.status() == JobStatus.RUNNING ? interrupted(job.id()) : job;
      if (now.status() == JobStatus.QUEUED) {
        queue.requeue(job.id());
        requeued++;
      } else if (now.status() == JobStatus.FAILED) {
        LOG.warnf(
            "job %s failed: the service stopped while running it %d times",
            now.id(), now.attempts());
      }
    }
    if (requeued > 0) {
      LOG.infof("queued again %d jobs left unfinished by the previous run", requeued);
    }
  }

  /** A job that a crash interrupted: queued again, or FAILED once it has used its attempts. */
  private Job interrupted(String id) {
    return jobs.update(
        id,
        j -> {
          if (j.status() != JobStatus.RUNNING) {
            return j;
          }
          // A job stored before attempts were counted reads 0, yet it was running: one attempt.
          int used = Math.max(1, j.attempts());
          return used >= maxAttempts
              ? j.moveTo(JobStatus.FAILED, clock.instant(), stoppedWhileRunning(used))
              : j.moveTo(JobStatus.QUEUED, clock.instant(), null);
        });
  }

  /** The reason a job ends FAILED when the service stopped under it too often. */
  static String stoppedWhileRunning(int times) {
    return "the service stopped while running this job "
        + times
        + (times == 1 ? " time" : " times")
        + ", the most it allows; it is not run again";
  }

  @Override
  public void checkRoom() {
    // offer checks and adds at once
  }

  @Override
  public void offer(String id) {
    queue.offer(id);
  }

  @Override
  public long queued() {
    return queue.size();
  }

  @Override
  public int capacity() {
    return queue.capacity();
  }

  @Override
  public Optional<Run> next(String worker, Duration wait) throws InterruptedException {
    String id = queue.poll(wait.toMillis());
    if (id == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new LocalRun(jobs.update(id, j -> j.moveTo(JobStatus.RUNNING, clock.instant(), null))));
    } catch (JobNotFoundException | IllegalTransitionException e) {
      return Optional.empty(); // deleted or cancelled while it waited
    }
  }

  private final class LocalRun implements Run {
    private final String id;
    private volatile Job job;

    LocalRun(Job claimed) {
      this.id = claimed.id();
      this.job = claimed;
    }

    @Override
    public Job job() {
      return job;
    }

    @Override
    public void progress(Progress progress) {
      job = jobs.update(id, j -> j.withProgress(progress.withSnapshots(j.progress().snapshots())));
    }

    @Override
    public void snapshot(int step, Map<String, byte[]> pngs) {
      pngs.forEach((name, png) -> images.put(id, name, png));
      job = jobs.update(id, j -> j.withProgress(j.progress().withSnapshot(step)));
    }

    /**
     * Asked before every step: the local stores keep their jobs in memory ({@link
     * IndexedJobStore}), so this is a map read, and a cancel stops the render within one step.
     */
    @Override
    public boolean cancelRequested() {
      return jobs.find(id).map(Job::cancelRequested).orElse(true);
    }

    @Override
    public boolean lost() {
      return false; // nobody else runs this instance's jobs
    }

    @Override
    public Optional<Job> finish(UnaryOperator<Job> change, Map<String, byte[]> pngs) {
      pngs.forEach((name, png) -> images.put(id, name, png));
      job = jobs.update(id, change);
      return Optional.of(job);
    }

    @Override
    public void handBack() {
      // Picked up by recover() after the restart; stopping on purpose costs the job no attempt.
      job = jobs.update(id, j -> j.handedBack(clock.instant()));
    }
  }
}
