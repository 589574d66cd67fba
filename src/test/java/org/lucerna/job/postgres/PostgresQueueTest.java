package org.lucerna.job.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lucerna.job.CurvePoint;
import org.lucerna.job.ImageNames;
import org.lucerna.job.Job;
import org.lucerna.job.JobIds;
import org.lucerna.job.JobSpec;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Progress;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.Transforms;

/**
 * The shared queue on a real PostgreSQL: claims never overlap, leases expire into a rescue that
 * counts an attempt, a fenced-out worker writes nothing, a drain hands jobs back without using an
 * attempt.
 */
class PostgresQueueTest {
  private static final Duration SHORT_LEASE = Duration.ofMillis(400);
  private static DataSource db;
  private PgJobStore jobs;
  private PgImageStore images;
  private PgJobQueue queue;
  private final List<ExecutorService> pools = new ArrayList<>();

  @BeforeAll
  static void database() {
    db = PostgresTestDatabase.fresh();
  }

  @BeforeEach
  void empty() {
    PostgresTestDatabase.truncate(db);
    use(QueueSettings.defaults().withBackoff(Duration.ZERO));
  }

  @AfterEach
  void stopPools() {
    pools.forEach(ExecutorService::shutdownNow);
  }

  private void use(QueueSettings settings) {
    jobs = new PgJobStore(db, settings);
    images = new PgImageStore(db);
    queue = new PgJobQueue(db, settings);
  }

  static JobSpec spec(int size, long seed) {
    return new JobSpec(
        "tiny_cnn",
        1,
        Objectives.channel("conv2", 3),
        size,
        size,
        1,
        50,
        seed,
        0.05,
        List.of(10),
        ParamSpec.DEFAULT,
        Transforms.standard(),
        FitMode.RESIZE,
        false,
        false,
        null,
        null);
  }

  private Job submit(int n) {
    return submit(n, spec(64, n));
  }

  private Job submit(int n, JobSpec spec) {
    Instant at = Instant.parse("2026-12-01T12:00:00Z").plusSeconds(n);
    Job job = Job.queued(JobIds.next(at), spec, new Job.Submission("fp" + n, null, null), at);
    jobs.insert(job);
    return job;
  }

  private Job stored(String id) {
    return jobs.find(id).orElseThrow();
  }

  private static Job succeeded(Lease lease) {
    Job j = lease.job();
    return j.withProgress(new Progress(50, 50, 2.5, 10.0, List.of(10), curve(50)))
        .moveTo(JobStatus.SUCCEEDED, Instant.now(), null);
  }

  /** A curve of every step to {@code step}, the objective 0.5 per step (as the beats below). */
  private static List<CurvePoint> curve(int step) {
    return IntStream.rangeClosed(1, step).mapToObj(k -> new CurvePoint(k, 0.5 * k)).toList();
  }

  private static Progress at(int step) {
    return new Progress(step, 50, 0.5 * step, 4.0, List.of(), curve(step));
  }

  @Test
  void aClaimTakesTheOldestQueuedJobAndLeasesIt() {
    Job second = submit(2);
    Job first = submit(1);
    Lease lease = queue.claimOne("A/w0").orElseThrow();
    assertEquals(first.id(), lease.jobId());
    assertEquals(1, lease.epoch());
    assertEquals(1, lease.attempt());
    assertEquals("A/w0", lease.owner());
    assertEquals(JobStatus.RUNNING, lease.job().status());
    assertEquals(lease.job(), stored(first.id()));
    assertEquals(second.id(), queue.claimOne("A/w0").orElseThrow().jobId());
    assertTrue(queue.claimOne("A/w0").isEmpty());
    assertEquals(new PgJobQueue.Depth(0, 2), queue.depth());
  }

  @Test
  void claimersRacingOnOneQueueNeverTakeTheSameJob() throws Exception {
    int n = 40;
    for (int i = 0; i < n; i++) {
      submit(i);
    }
    int claimers = 6;
    ExecutorService pool = pool(claimers);
    CountDownLatch go = new CountDownLatch(1);
    Map<String, String> takenBy = new ConcurrentHashMap<>();
    List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < claimers; w++) {
      String owner = (w % 2 == 0 ? "A/" : "B/") + w;
      done.add(
          pool.submit(
              () -> {
                go.await();
                Optional<Lease> lease;
                while ((lease = queue.claimOne(owner)).isPresent()) {
                  if (takenBy.putIfAbsent(lease.get().jobId(), owner) != null) {
                    duplicates.add(lease.get().jobId());
                  }
                  assertTrue(
                      queue.finish(lease.get(), succeeded(lease.get()), Map.of()).isPresent());
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), duplicates);
    assertEquals(n, takenBy.size());
    assertEquals(
        n,
        count(
            "SELECT count(*) FROM lucerna_job WHERE state = 'SUCCEEDED' AND attempt = 1 AND lease_epoch = 1"));
    assertEquals(
        n,
        count("SELECT count(*) FROM lucerna_job_event WHERE type = 'done'"),
        "one final transition each");
  }

  @Test
  void anExpiredLeaseIsRescuedWithAnAttemptCountedAndTheOldWorkerIsFencedOut() throws Exception {
    use(QueueSettings.defaults().withLease(SHORT_LEASE).withBackoff(Duration.ZERO));
    Job job = submit(1);
    Lease stale = queue.claimOne("A/w0").orElseThrow();
    assertEquals(List.of(), queue.rescue(), "a live lease is not rescued");
    Thread.sleep(SHORT_LEASE.toMillis() + 200); // A stops answering

    List<Rescued> rescued = queue.rescue();
    assertEquals(List.of(new Rescued(job.id(), JobStatus.QUEUED, 1, "A/w0")), rescued);
    Job back = stored(job.id());
    assertEquals(JobStatus.QUEUED, back.status());
    assertNull(back.times().started());
    assertEquals(0, back.progress().step());

    Lease fresh = queue.claimOne("B/w0").orElseThrow();
    assertEquals(job.id(), fresh.jobId());
    assertEquals(2, fresh.attempt(), "the lost run counted");
    assertEquals(2, fresh.epoch());

    // A comes back: its heartbeat learns the job is lost, and none of its writes land.
    Heartbeat.Result beat =
        queue.heartbeat(
            List.of(new Heartbeat.Beat(stale, new Progress(40, 50, 1.0, 5.0, List.of()))));
    assertEquals(Set.of(job.id()), beat.lost());
    assertFalse(queue.snapshot(stale, 10, Map.of(ImageNames.of(10, 0), new byte[] {6})));
    assertTrue(
        queue
            .finish(stale, succeeded(stale), Map.of(ImageNames.finalImage(0), new byte[] {6}))
            .isEmpty());
    assertEquals(JobStatus.RUNNING, stored(job.id()).status());
    assertEquals(0, stored(job.id()).progress().step(), "the stale heartbeat wrote no progress");
    assertTrue(images.get(job.id(), ImageNames.finalImage(0)).isEmpty());

    Job done =
        queue
            .finish(fresh, succeeded(fresh), Map.of(ImageNames.finalImage(0), new byte[] {7}))
            .orElseThrow();
    assertEquals(JobStatus.SUCCEEDED, done.status());
    assertEquals(curve(50), done.progress().curve(), "the final write has the whole curve");
    assertEquals(done, stored(job.id()));
    assertArrayEquals(new byte[] {7}, images.get(job.id(), ImageNames.finalImage(0)).orElseThrow());
    assertEquals(
        2, count("SELECT lease_epoch FROM lucerna_image WHERE job_id = '" + job.id() + "'"));
    assertTrue(
        queue.finish(stale, succeeded(stale), Map.of()).isEmpty(), "a finished job stays finished");

    // The whole story, one row per change of state, the last one 'done' by B.
    assertEquals(
        List.of("QUEUED", "RUNNING A/w0", "QUEUED A/w0", "RUNNING B/w0", "SUCCEEDED B/w0 done"),
        story(job.id()));
  }

  @Test
  void aJobWhoseAttemptsAreSpentFailsNamingTheLostWorker() throws Exception {
    use(
        QueueSettings.defaults()
            .withLease(SHORT_LEASE)
            .withMaxAttempts(1)
            .withBackoff(Duration.ZERO));
    Job job = submit(1);
    queue.claimOne("A/w0").orElseThrow();
    Thread.sleep(SHORT_LEASE.toMillis() + 200);
    assertEquals(List.of(new Rescued(job.id(), JobStatus.FAILED, 1, "A/w0")), queue.rescue());
    Job failed = stored(job.id());
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals(
        "the worker running this job stopped answering 1 time (last: A/w0)", failed.error());
    assertTrue(queue.claimOne("B/w0").isEmpty());
  }

  @Test
  void aRescuedJobWaitsItsBackOff() throws Exception {
    use(QueueSettings.defaults().withLease(SHORT_LEASE).withBackoff(Duration.ofSeconds(30)));
    submit(1);
    queue.claimOne("A/w0").orElseThrow();
    Thread.sleep(SHORT_LEASE.toMillis() + 200);
    assertEquals(1, queue.rescue().size());
    assertTrue(queue.claimOne("B/w0").isEmpty(), "not before its back-off");
    assertEquals(new PgJobQueue.Depth(1, 0), queue.depth());
  }

  @Test
  void heartbeatsKeepALeaseAliveRecordProgressAndReportACancel() throws Exception {
    Duration lease2s = Duration.ofSeconds(2); // room for a slow machine between beats
    use(QueueSettings.defaults().withLease(lease2s).withBackoff(Duration.ZERO));
    Job job = submit(1);
    Lease lease = queue.claimOne("A/w0").orElseThrow();
    long v0 = stored(job.id()).version();
    for (int step = 1; step <= 8; step++) {
      Heartbeat.Result r = queue.heartbeat(List.of(new Heartbeat.Beat(lease, at(step))));
      assertEquals(Set.of(job.id()), r.renewed());
      Thread.sleep(lease2s.toMillis() / 8);
      assertEquals(List.of(), queue.rescue(), "renewed in time");
    }
    Job running = stored(job.id());
    assertEquals(8, running.progress().step());
    assertEquals(4.0, running.progress().objective());
    assertEquals(curve(8), running.progress().curve(), "the curve rides on the heartbeat");
    assertEquals(v0 + 8, running.version(), "each new step is a version, an SSE event id");
    queue.heartbeat(List.of(new Heartbeat.Beat(lease, null)));
    assertEquals(
        v0 + 8, stored(job.id()).version(), "a renewal alone changes nothing a client sees");
    assertEquals(curve(8), stored(job.id()).progress().curve(), "nor the curve");

    Job asked = queue.cancel(job.id()).orElseThrow();
    assertEquals(JobStatus.RUNNING, asked.status());
    assertTrue(asked.cancelRequested());
    Heartbeat.Result r = queue.heartbeat(List.of(new Heartbeat.Beat(lease, null)));
    assertEquals(Set.of(job.id()), r.cancelRequested());
    Job cancelled =
        queue
            .finish(
                lease, stored(job.id()).moveTo(JobStatus.CANCELLED, Instant.now(), null), Map.of())
            .orElseThrow();
    assertEquals(JobStatus.CANCELLED, cancelled.status());
    assertFalse(cancelled.cancelRequested());
    assertTrue(queue.cancel(job.id()).isEmpty(), "a final job is left as it is");
  }

  @Test
  void cancellingAQueuedJobEndsItAndARescueEndsACancelledOneWhoseWorkerIsGone() throws Exception {
    use(QueueSettings.defaults().withLease(SHORT_LEASE).withBackoff(Duration.ZERO));
    Job queued = submit(1);
    assertEquals(JobStatus.CANCELLED, queue.cancel(queued.id()).orElseThrow().status());
    Job running = submit(2);
    queue.claimOne("A/w0").orElseThrow();
    queue.cancel(running.id());
    Thread.sleep(SHORT_LEASE.toMillis() + 200);
    assertEquals(
        List.of(new Rescued(running.id(), JobStatus.CANCELLED, 1, "A/w0")), queue.rescue());
    assertFalse(stored(running.id()).cancelRequested());
  }

  @Test
  void aDrainHandsJobsBackWithoutUsingAnAttempt() {
    Job a = submit(1);
    Job b = submit(2);
    Lease la = queue.claimOne("A/w0").orElseThrow();
    Lease lb = queue.claimOne("A/w1").orElseThrow();
    queue.heartbeat(List.of(new Heartbeat.Beat(la, at(20).withSnapshots(List.of(10)))));
    assertEquals(curve(20), stored(a.id()).progress().curve());
    queue.cancel(b.id());
    assertEquals(Set.of(a.id(), b.id()), queue.handBack(List.of(la, lb)));

    Job back = stored(a.id());
    assertEquals(JobStatus.QUEUED, back.status());
    assertEquals(0, back.progress().step());
    assertEquals(List.of(), back.progress().curve(), "the next run draws its own curve");
    assertEquals(
        JobStatus.CANCELLED, stored(b.id()).status(), "a job asked to stop is not queued again");
    assertEquals(0, count("SELECT attempt FROM lucerna_job WHERE id = '" + a.id() + "'"));

    Lease again = queue.claimOne("B/w0").orElseThrow();
    assertEquals(a.id(), again.jobId());
    assertEquals(1, again.attempt(), "the handed-back run did not count");
    assertEquals(2, again.epoch(), "but the old lease is fenced out");
    assertTrue(queue.handBack(List.of(la)).isEmpty());
    assertTrue(queue.finish(la, succeeded(la), Map.of()).isEmpty());
  }

  @Test
  void aClaimTakesBatchMatesOfTheSamePlanOnly() {
    Job head = submit(1, spec(64, 1));
    Job mate = submit(2, spec(64, 2)); // another seed: same plan
    Job other = submit(3, spec(32, 3)); // another size: another plan
    Job mate2 = submit(4, spec(64, 4));
    List<Lease> batch = queue.claim("A/w0", 4);
    assertEquals(
        List.of(head.id(), mate.id(), mate2.id()), batch.stream().map(Lease::jobId).toList());
    assertEquals(1, batch.stream().map(Lease::batchKey).distinct().count());
    assertEquals(other.id(), queue.claimOne("A/w1").orElseThrow().jobId());
    assertNotEquals(batch.get(0).batchKey(), stored(other.id()).spec().toString());
  }

  @Test
  void snapshotsAndFinalImagesAreWrittenWithTheirState() {
    Job job = submit(1);
    Lease lease = queue.claimOne("A/w0").orElseThrow();
    assertTrue(queue.snapshot(lease, 10, Map.of(ImageNames.of(10, 0), new byte[] {1})));
    assertTrue(
        queue.snapshot(lease, 10, Map.of(ImageNames.of(10, 0), new byte[] {1})),
        "a repeated snapshot is one");
    assertEquals(List.of(10), stored(job.id()).progress().snapshots());
    assertArrayEquals(new byte[] {1}, images.get(job.id(), ImageNames.of(10, 0)).orElseThrow());
    queue.finish(
        lease,
        succeeded(lease),
        Map.of(ImageNames.finalImage(0), new byte[] {2}, ImageNames.GRID, new byte[] {3}));
    assertArrayEquals(new byte[] {3}, images.get(job.id(), ImageNames.GRID).orElseThrow());
    assertArrayEquals(
        PgImageStore.sha256(new byte[] {2}),
        images.sha256(job.id(), ImageNames.finalImage(0)).orElseThrow());
  }

  @Test
  void aJobPastItsTimeLimitIsFailedEvenWhileItsWorkerHeartbeats() throws Exception {
    use(
        QueueSettings.defaults()
            .withLease(Duration.ofMillis(300))
            .withTimeLimit(Duration.ofMillis(200))
            .withBackoff(Duration.ZERO));
    Job job = submit(1);
    Lease lease = queue.claimOne("A/w0").orElseThrow();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(900);
    List<Rescued> rescued = List.of();
    while (rescued.isEmpty() && System.nanoTime() < until) {
      queue.heartbeat(List.of(new Heartbeat.Beat(lease, null)));
      Thread.sleep(50);
      rescued = queue.rescue();
    }
    assertEquals(List.of(new Rescued(job.id(), JobStatus.FAILED, 1, "A/w0")), rescued);
    assertEquals("the job ran longer than its time limit of 0 s", stored(job.id()).error());
  }

  @Test
  void finishedJobsAreDeletedAfterRetentionWithTheirImages() {
    Job job = submit(1);
    Lease lease = queue.claimOne("A/w0").orElseThrow();
    queue.finish(lease, succeeded(lease), Map.of(ImageNames.finalImage(0), new byte[] {2}));
    Job waiting = submit(2);
    assertEquals(0, queue.purgeFinishedBefore(Instant.now().minusSeconds(60)));
    assertEquals(1, queue.purgeFinishedBefore(Instant.now().plusSeconds(1)));
    assertTrue(jobs.find(job.id()).isEmpty());
    assertTrue(images.get(job.id(), ImageNames.finalImage(0)).isEmpty());
    assertTrue(jobs.find(waiting.id()).isPresent());
  }

  @Test
  void leasesHeldByAnInstanceAreFoundByItsPrefix() {
    submit(1);
    submit(2);
    Lease a = queue.claimOne("A_1/w0").orElseThrow();
    queue.claimOne("AB/w0").orElseThrow();
    assertEquals(List.of(a.jobId()), queue.heldBy("A_1/").stream().map(Lease::jobId).toList());
  }

  private ExecutorService pool(int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    return pool;
  }

  private static long count(String sql) {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> story(String id) {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT type, data->>'state', data->>'by' FROM lucerna_job_event"
                    + " WHERE job_id = ? ORDER BY version")) {
      s.setString(1, id);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String by = rs.getString(3);
          out.add(
              rs.getString(2)
                  + (by == null ? "" : " " + by)
                  + ("done".equals(rs.getString(1)) ? " done" : ""));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
