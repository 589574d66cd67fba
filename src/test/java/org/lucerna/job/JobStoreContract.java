package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.Transforms;

/** What every {@link JobStore} must do; each implementation's test extends this. */
abstract class JobStoreContract {

  protected abstract JobStore store();

  static JobSpec spec(String model, long seed) {
    return new JobSpec(
        model,
        1,
        Objectives.channel("conv2", 3).plus(Objectives.diversity("conv3").times(-2)),
        64,
        48,
        2,
        50,
        seed,
        0.05,
        List.of(10, 20),
        ParamSpec.DEFAULT,
        Transforms.standard(),
        FitMode.RESIZE,
        false,
        true,
        null,
        new StartImageRef("0123456789abcdef".repeat(4)));
  }

  static Job job(int n, String model) {
    Instant at = Instant.parse("2026-11-29T12:00:00Z").plusSeconds(n);
    return Job.queued(
        JobIds.next(at),
        spec(model, n),
        new Job.Submission("fp" + n, n % 2 == 0 ? "key" + n : null, null),
        at);
  }

  @Test
  void aJobReadsBackAsItWasInsertedAtVersionZero() {
    Job job = job(1, "a");
    store().insert(job);
    Job read = store().find(job.id()).orElseThrow();
    assertEquals(job, read);
    assertEquals(0, read.version());
    assertThrows(IllegalArgumentException.class, () -> store().insert(job));
  }

  @Test
  void aJobsObjectiveCurveReadsBackAsSaved() {
    Job job = job(5, "a");
    store().insert(job);
    assertEquals(List.of(), store().find(job.id()).orElseThrow().progress().curve());
    List<CurvePoint> curve =
        List.of(
            new CurvePoint(1, -0.125),
            new CurvePoint(2, 0.1 + 0.2), // not exact in binary: must come back bit for bit
            new CurvePoint(3, 1.0e-7),
            new CurvePoint(50, 123456.789));
    Job running =
        store()
            .save(
                job.moveTo(JobStatus.RUNNING, Instant.now(), null)
                    .withProgress(new Progress(50, 50, 123456.789, 4.0, List.of(10), curve)));
    Job read = store().find(job.id()).orElseThrow();
    assertEquals(running, read);
    assertEquals(curve, read.progress().curve());
    Job done = store().save(read.moveTo(JobStatus.SUCCEEDED, Instant.now(), null));
    assertEquals(curve, store().find(job.id()).orElseThrow().progress().curve());
    assertEquals(done, store().list(new JobQuery(Set.of(), null, null, null, null, 10)).get(0));
  }

  @Test
  void aSaveBumpsTheVersionAndAStaleSaveFails() {
    Job job = job(2, "a");
    store().insert(job);
    Job running = store().save(job.moveTo(JobStatus.RUNNING, Instant.now(), null));
    assertEquals(1, running.version());
    assertEquals(JobStatus.RUNNING, store().find(job.id()).orElseThrow().status());
    assertThrows(StaleJobException.class, () -> store().save(job.withCancelRequested()));
    assertThrows(JobNotFoundException.class, () -> store().save(job(99, "a")));
  }

  @Test
  void ofTwoWritersOnOneVersionExactlyOneWins() throws Exception {
    Job job = job(3, "a");
    store().insert(job);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger won = new AtomicInteger();
    for (int i = 0; i < 8; i++) {
      pool.submit(
          () -> {
            go.await();
            try {
              store().save(job.moveTo(JobStatus.RUNNING, Instant.now(), null));
              won.incrementAndGet();
            } catch (StaleJobException e) {
              // lost the race, as all but one must
            }
            return null;
          });
    }
    go.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(1, won.get());
  }

  @Test
  void updateRetriesUntilItsChangeLands() throws Exception {
    Job job = job(4, "a");
    store().insert(job);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 40; i++) {
      pool.submit(
          () ->
              store()
                  .update(
                      job.id(),
                      j ->
                          j.withProgress(
                              new Progress(j.progress().step() + 1, 50, null, null, List.of()))));
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
    Job done = store().find(job.id()).orElseThrow();
    assertEquals(40, done.progress().step());
    assertEquals(40, done.version());
  }

  @Test
  void updateGivesUpAfterABoundedNumberOfLostRaces() {
    Job job = job(6, "a");
    store().insert(job);
    AtomicInteger tries = new AtomicInteger();
    assertThrows(
        StaleJobException.class,
        () ->
            store()
                .update(
                    job.id(),
                    j -> {
                      tries.incrementAndGet();
                      // Another writer saves between this read and this save, every time.
                      store().save(j.withProgress(j.progress()));
                      return j.withCancelRequested();
                    }));
    assertEquals(JobStore.UPDATE_ATTEMPTS, tries.get());
    assertFalse(store().find(job.id()).orElseThrow().cancelRequested());
  }

  @Test
  void anIdempotencyKeyHoldsOneJobAtATime() {
    Job first = keyed(30, "key-x");
    store().insert(first);
    Job second = keyed(31, "key-x");
    IdempotencyKeyTakenException e =
        assertThrows(IdempotencyKeyTakenException.class, () -> store().insert(second));
    assertEquals(first.id(), e.existingJobId());
    assertTrue(store().find(second.id()).isEmpty(), "nothing of the refused job is stored");
    assertTrue(store().delete(first.id()));
    store().insert(second); // the key is free once its job is deleted
    assertEquals(second.id(), store().find(second.id()).orElseThrow().id());
  }

  @Test
  void ofManyConcurrentInsertsWithOneKeyExactlyOneLands() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger landed = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    // One store for every thread: a store() that creates its store lazily must not race here.
    JobStore shared = store();
    for (int i = 0; i < 32; i++) {
      Job job = keyed(40 + i, "key-y");
      pool.submit(
          () -> {
            go.await();
            try {
              shared.insert(job);
              landed.incrementAndGet();
            } catch (IdempotencyKeyTakenException e) {
              refused.incrementAndGet();
            }
            return null;
          });
    }
    go.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
    assertEquals(1, landed.get());
    assertEquals(31, refused.get());
    assertEquals(1, store().list(new JobQuery(Set.of(), null, null, "key-y", null, 100)).size());
  }

  private static Job keyed(int n, String key) {
    Job plain = job(n, "a");
    return Job.queued(
        plain.id(), plain.spec(), new Job.Submission("fp" + n, key, null), plain.times().created());
  }

  @Test
  void listingFiltersAndPagesInIdOrder() {
    for (int n = 10; n < 16; n++) {
      store().insert(job(n, n < 13 ? "a" : "b"));
    }
    List<Job> all = store().list(JobQuery.all(100));
    assertEquals(6, all.size());
    for (int i = 1; i < all.size(); i++) {
      assertTrue(all.get(i - 1).id().compareTo(all.get(i).id()) < 0);
    }
    assertEquals(3, store().list(new JobQuery(Set.of(), "b", null, null, null, 100)).size());
    assertEquals(
        List.of(all.get(2), all.get(3)),
        store().list(new JobQuery(Set.of(), null, null, null, all.get(1).id(), 2)));
    assertEquals(
        all.get(1).id(),
        store().list(new JobQuery(Set.of(), null, "fp11", null, null, 5)).get(0).id());
    assertEquals(
        all.get(2).id(),
        store().list(new JobQuery(Set.of(), null, null, "key12", null, 5)).get(0).id());
    store().save(all.get(0).moveTo(JobStatus.CANCELLED, Instant.now(), null));
    assertEquals(
        List.of(all.get(0).id()),
        store().list(new JobQuery(Set.of(JobStatus.CANCELLED), null, null, null, null, 9)).stream()
            .map(Job::id)
            .toList());
  }

  @Test
  void listingNewestFirstPagesBackwardsAndFiltersByLayer() {
    List<Job> made = new java.util.ArrayList<>();
    for (int n = 30; n < 35; n++) {
      Job plain = job(n, "a");
      // Jobs 31 and 33 read conv1 only; the others read conv2 and conv3.
      Job job =
          n % 2 == 1
              ? Job.queued(
                  plain.id(),
                  plain.spec().withObjective(Objectives.channel("conv1", n)),
                  plain.submission(),
                  plain.times().created())
              : plain;
      made.add(job);
      store().insert(job);
    }
    List<String> ids = made.stream().map(Job::id).toList();
    List<String> newest =
        store().list(new JobQuery(Set.of(), null, null, null, null, null, true, 3)).stream()
            .map(Job::id)
            .toList();
    assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2)), newest);
    assertEquals(
        List.of(ids.get(1), ids.get(0)),
        store().list(new JobQuery(Set.of(), null, null, null, null, ids.get(2), true, 5)).stream()
            .map(Job::id)
            .toList(),
        "after continues towards older jobs");
    assertEquals(
        List.of(ids.get(3), ids.get(1)),
        store().list(new JobQuery(Set.of(), "a", "conv1", null, null, null, true, 9)).stream()
            .map(Job::id)
            .toList());
    assertEquals(
        List.of(ids.get(0), ids.get(2), ids.get(4)),
        store().list(new JobQuery(Set.of(), null, "conv3", null, null, null, false, 9)).stream()
            .map(Job::id)
            .toList(),
        "a layer read by any term of the objective");
    assertTrue(
        store().list(new JobQuery(Set.of(), null, "conv9", null, null, null, false, 9)).isEmpty());
  }

  @Test
  void theQueueAheadOfAJobCountsOnlyEarlierQueuedJobs() {
    List<Job> jobs = new java.util.ArrayList<>();
    for (int n = 20; n < 25; n++) {
      jobs.add(job(n, "a"));
      store().insert(jobs.get(jobs.size() - 1));
    }
    assertEquals(0, store().countQueuedBefore(jobs.get(0).id()));
    assertEquals(4, store().countQueuedBefore(jobs.get(4).id()));
    store().save(jobs.get(1).moveTo(JobStatus.RUNNING, Instant.now(), null));
    store().save(jobs.get(2).moveTo(JobStatus.CANCELLED, Instant.now(), null));
    assertEquals(
        2,
        store().countQueuedBefore(jobs.get(4).id()),
        "the running and the cancelled job are not waiting");
    store().delete(jobs.get(0).id());
    assertEquals(1, store().countQueuedBefore(jobs.get(4).id()));
  }

  @Test
  void aDeletedJobIsGone() {
    Job job = job(5, "a");
    store().insert(job);
    assertTrue(store().delete(job.id()));
    assertTrue(store().find(job.id()).isEmpty());
    assertFalse(store().delete(job.id()));
  }
}
