package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished jobs and their images leave the file stores once they finished longer ago than the
 * retention; the clock is moved, not waited for.
 */
class RetentionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path data;

  /** A clock the test sets. */
  private static final class MovableClock extends Clock {
    volatile Instant now = T0;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovableClock clock = new MovableClock();

  private Job job(JobStore jobs, ImageStore images, int n, JobStatus end, Instant finished) {
    Instant created = finished.minusSeconds(60);
    Job job =
        Job.queued(
            JobIds.next(created),
            RestartTest.spec(16, 3, n),
            new Job.Submission("fp" + n, null, null),
            created);
    jobs.insert(job);
    images.put(job.id(), ImageNames.GRID, new byte[] {(byte) n});
    if (end == JobStatus.QUEUED) {
      return job;
    }
    Job running = jobs.save(job.moveTo(JobStatus.RUNNING, created.plusSeconds(1), null));
    return end == JobStatus.RUNNING
        ? running
        : jobs.save(running.moveTo(end, finished, end == JobStatus.FAILED ? "x" : null));
  }

  @Test
  void finishedJobsOlderThanTheRetentionLeaveWithTheirImagesAndUnfinishedOnesStay() {
    JobStore jobs = new FileJobStore(data.resolve("jobs"));
    ImageStore images = new FileImageStore(data.resolve("images"));
    Retention retention = new Retention(jobs, images, clock, Duration.ofDays(30));
    Job oldSucceeded = job(jobs, images, 1, JobStatus.SUCCEEDED, T0.plusSeconds(100));
    Job oldFailed = job(jobs, images, 2, JobStatus.FAILED, T0.plusSeconds(200));
    Job oldQueued = job(jobs, images, 3, JobStatus.QUEUED, T0.plusSeconds(300));
    Job oldRunning = job(jobs, images, 4, JobStatus.RUNNING, T0.plusSeconds(400));
    Job recent = job(jobs, images, 5, JobStatus.CANCELLED, T0.plus(Duration.ofDays(20)));

    clock.now = T0.plus(Duration.ofDays(20));
    assertEquals(0, retention.sweep(), "nothing is 30 days old yet");

    clock.now = T0.plus(Duration.ofDays(30)).plusSeconds(150);
    assertEquals(1, retention.sweep());
    assertTrue(jobs.find(oldSucceeded.id()).isEmpty());
    assertTrue(images.get(oldSucceeded.id(), ImageNames.GRID).isEmpty());
    assertFalse(Files.exists(data.resolve("images").resolve(oldSucceeded.id())));
    assertTrue(jobs.find(oldFailed.id()).isPresent(), "finished 50 s later: not yet due");

    clock.now = T0.plus(Duration.ofDays(49));
    assertEquals(1, retention.sweep());
    assertTrue(jobs.find(oldFailed.id()).isEmpty());
    assertTrue(jobs.find(oldQueued.id()).isPresent(), "never removed while queued");
    assertTrue(jobs.find(oldRunning.id()).isPresent(), "never removed while running");
    assertTrue(images.get(oldQueued.id(), ImageNames.GRID).isPresent());
    assertTrue(jobs.find(recent.id()).isPresent());

    clock.now = T0.plus(Duration.ofDays(51));
    assertEquals(1, retention.sweep());
    assertTrue(jobs.find(recent.id()).isEmpty());
    assertEquals(
        2,
        new FileJobStore(data.resolve("jobs")).list(JobQuery.all(10)).size(),
        "removed from disk, not only from memory");
  }

  @Test
  void aRetentionThatIsNotPositiveIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Retention(new InMemoryJobStore(), new InMemoryImageStore(), clock, Duration.ZERO));
  }
}
