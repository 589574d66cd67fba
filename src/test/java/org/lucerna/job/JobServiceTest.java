package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestModels;

/** The rules of submission that races decide: one job per key, no result reused half-copied. */
class JobServiceTest {
  private final JobStore jobs = new InMemoryJobStore();
  private final JobQueue queue = new JobQueue(64);

  /** An image store in which a DELETE of the job being copied lands in the middle of the copy. */
  private final class DeletedWhileCopied implements ImageStore {
    private final ImageStore images = new InMemoryImageStore();
    volatile String deleteOnSecondRead;
    private int reads;
    JobService service;

    @Override
    public void put(String jobId, String name, byte[] png) {
      images.put(jobId, name, png);
    }

    @Override
    public Optional<byte[]> get(String jobId, String name) {
      if (jobId.equals(deleteOnSecondRead) && ++reads == 2) {
        service.delete(jobId);
      }
      return images.get(jobId, name);
    }

    @Override
    public void deleteAll(String jobId) {
      images.deleteAll(jobId);
    }
  }

  private final DeletedWhileCopied images = new DeletedWhileCopied();
  private final JobService service =
      new JobService(
          jobs,
          images,
          TestModels.registry(),
          queue,
          Clock.systemUTC(),
          new JobMetrics(new SimpleMeterRegistry(), queue));

  {
    images.service = service;
  }

  /**
   * A job of {@code spec} that has SUCCEEDED with its images (grid, final, alpha, transparency
   * map), as a worker leaves it.
   */
  private Job succeeded(JobSpec spec) {
    Job queued = service.submit(spec, null).job();
    Job running = jobs.save(queued.moveTo(JobStatus.RUNNING, Instant.now(), null));
    images.put(queued.id(), ImageNames.finalImage(0), new byte[] {1});
    images.put(queued.id(), ImageNames.GRID, new byte[] {2});
    images.put(queued.id(), ImageNames.alpha(0), new byte[] {3});
    images.put(queued.id(), ImageNames.attribution(0), new byte[] {4});
    return jobs.save(running.moveTo(JobStatus.SUCCEEDED, Instant.now(), null));
  }

  @Test
  void aFinishedResultIsReusedWithEveryImage() {
    JobSpec spec = RestartTest.spec(16, 3, 41);
    Job done = succeeded(spec);
    Job reused = service.submit(spec, null).job();
    assertEquals(JobStatus.SUCCEEDED, reused.status());
    assertEquals(done.id(), reused.submission().reusedFrom());
    assertTrue(images.get(reused.id(), ImageNames.GRID).isPresent());
    assertTrue(images.get(reused.id(), ImageNames.finalImage(0)).isPresent());
    assertTrue(images.get(reused.id(), ImageNames.alpha(0)).isPresent());
    assertTrue(images.get(reused.id(), ImageNames.attribution(0)).isPresent());
  }

  @Test
  void aResultDeletedWhileItIsCopiedIsRenderedAfreshNotServedWithoutImages() {
    JobSpec spec = RestartTest.spec(16, 3, 42);
    Job done = succeeded(spec);
    images.deleteOnSecondRead = done.id();
    Job again = service.submit(spec, null).job();
    assertTrue(jobs.find(done.id()).isEmpty(), "the DELETE went through mid-copy");
    assertEquals(JobStatus.QUEUED, again.status(), "rendered again, not SUCCEEDED without images");
    assertEquals(null, again.submission().reusedFrom());
    assertFalse(images.get(again.id(), ImageNames.GRID).isPresent(), "no half copy is left");
    assertFalse(images.get(again.id(), ImageNames.finalImage(0)).isPresent());
  }

  @Test
  void concurrentSubmissionsWithOneKeyMakeOneJobAndLeaveNoOtherImages() throws Exception {
    JobSpec spec = RestartTest.spec(16, 3, 43);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<JobService.Submitted>> results = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return service.submit(spec, "one-key");
              }));
    }
    go.countDown();
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (Future<JobService.Submitted> f : results) {
      JobService.Submitted s = f.get(30, TimeUnit.SECONDS);
      ids.add(s.job().id());
      created += s.created() ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(1, ids.size(), ids.toString());
    assertEquals(1, created);
    assertEquals(1, jobs.list(JobQuery.all(100)).size());
    assertEquals(1, queue.size(), "one id queued");
  }
}
