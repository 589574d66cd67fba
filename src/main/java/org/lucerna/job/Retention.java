package org.lucerna.job;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Removes finished jobs, and their images, that finished longer than {@code lucerna.data.retention}
 * ago, once an hour. Queued and running jobs are never removed. Time comes from the injected clock.
 * It reads and deletes through the stores only, so every instance on a shared store may run it: a
 * job another instance removed first is skipped.
 */
@ApplicationScoped
public class Retention {
  private static final Logger LOG = Logger.getLogger(Retention.class);
  private static final Set<JobStatus> FINAL =
      Set.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED);
  private static final int PAGE = 500;

  private final JobStore jobs;
  private final ImageStore images;
  private final Clock clock;
  private final Duration retention;

  @Inject
  public Retention(JobStore jobs, ImageStore images, Clock clock, JobsConfig config) {
    this(jobs, images, clock, config.data().retention());
  }

  public Retention(JobStore jobs, ImageStore images, Clock clock, Duration retention) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException(
          "lucerna.data.retention must be a positive duration, got " + retention);
    }
    this.jobs = jobs;
    this.images = images;
    this.clock = clock;
    this.retention = retention;
  }

  @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    int removed = sweep();
    if (removed > 0) {
      LOG.infof("removed %d jobs that finished more than %s ago", removed, retention);
    }
  }

  /** Removes the finished jobs past retention now; returns how many. */
  public int sweep() {
    Instant cutoff = clock.instant().minus(retention);
    int removed = 0;
    String after = null;
    while (true) {
      List<Job> page = jobs.list(new JobQuery(FINAL, null, null, null, after, PAGE));
      for (Job job : page) {
        if (job.times().created().isAfter(cutoff)) {
          // Ids go in creation order and a job finishes after it is created: none later is due.
          return removed;
        }
        Instant finished = job.times().finished();
        // The job first, then its images: a job is never seen without the images it had.
        if (finished != null && finished.isBefore(cutoff) && jobs.delete(job.id())) {
          images.deleteAll(job.id());
          removed++;
        }
      }
      if (page.size() < PAGE) {
        return removed;
      }
      after = page.get(page.size() - 1).id();
    }
  }
}
