package org.lucerna.job.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lucerna.job.Job;
import org.lucerna.job.JobIds;
import org.lucerna.job.JobStatus;

/**
 * LISTEN/NOTIFY wake-ups: every change of a job, a queued job for idle workers, and a reconnect.
 */
class PostgresNotificationsTest {
  private static DataSource db;
  private PgJobStore jobs;
  private PgJobQueue queue;
  private PgNotifications notifications;
  private final BlockingQueue<PgNotifications.JobChange> changes = new LinkedBlockingQueue<>();
  private final AtomicInteger connects = new AtomicInteger();

  @BeforeAll
  static void database() {
    db = PostgresTestDatabase.fresh();
  }

  @BeforeEach
  void listen() {
    PostgresTestDatabase.truncate(db);
    jobs = new PgJobStore(db, QueueSettings.defaults());
    queue = new PgJobQueue(db, QueueSettings.defaults());
    notifications =
        new PgNotifications(db, Duration.ofMillis(200))
            .onJobChange(changes::add)
            .onConnected(connects::incrementAndGet)
            .start();
    await(notifications::connected);
  }

  @AfterEach
  void close() {
    notifications.close();
  }

  private Job submit(int n) {
    Instant at = Instant.parse("2026-12-01T12:00:00Z").plusSeconds(n);
    Job job =
        Job.queued(
            JobIds.next(at),
            PostgresQueueTest.spec(64, n),
            new Job.Submission("fp" + n, null, null),
            at);
    jobs.insert(job);
    return job;
  }

  @Test
  void everyVisibleChangeOfAJobIsNotifiedWithItsVersionAndState() throws Exception {
    Job job = submit(1);
    assertEquals(new PgNotifications.JobChange(job.id(), 0, JobStatus.QUEUED), next());
    Lease lease = queue.claimOne("A/w0").orElseThrow();
    assertEquals(new PgNotifications.JobChange(job.id(), 1, JobStatus.RUNNING), next());
    queue.heartbeat(List.of(new Heartbeat.Beat(lease, null)));
    queue.cancel(job.id());
    assertEquals(
        new PgNotifications.JobChange(job.id(), 2, JobStatus.RUNNING),
        next(),
        "a renewal alone is silent");
    queue.finish(
        lease,
        jobs.find(job.id()).orElseThrow().moveTo(JobStatus.CANCELLED, Instant.now(), null),
        java.util.Map.of());
    assertEquals(new PgNotifications.JobChange(job.id(), 3, JobStatus.CANCELLED), next());
  }

  @Test
  void anIdleWorkerIsWokenWhenAJobIsQueued() throws Exception {
    long seen = notifications.queueSignals();
    assertFalse(notifications.awaitQueued(seen, Duration.ofMillis(100)));
    Thread waker =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                return;
              }
              submit(2);
            });
    waker.start();
    assertTrue(notifications.awaitQueued(seen, Duration.ofSeconds(30)));
    waker.join();
    submit(3); // queued before the wait starts: not missed
    assertTrue(notifications.awaitQueued(seen + 1, Duration.ofSeconds(30)));
  }

  @Test
  void aLostListenConnectionIsMadeAgainAndCatchesUp() throws Exception {
    int before = connects.get();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'");
    }
    await(() -> connects.get() > before && notifications.connected());
    Job job = submit(3);
    assertEquals(new PgNotifications.JobChange(job.id(), 0, JobStatus.QUEUED), next());
  }

  private PgNotifications.JobChange next() throws InterruptedException {
    PgNotifications.JobChange c = changes.poll(20, TimeUnit.SECONDS);
    if (c == null) {
      throw new AssertionError("no notification within 20 s");
    }
    return c;
  }

  private static void await(BooleanSupplier condition) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within 20 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
