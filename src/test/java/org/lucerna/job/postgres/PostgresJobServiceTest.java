package org.lucerna.job.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.lucerna.job.IdempotencyConflictException;
import org.lucerna.job.JobMetrics;
import org.lucerna.job.JobService;
import org.lucerna.job.QueueFullException;
import org.lucerna.testing.TestModels;

/**
 * The job service of two instances on one database (their stores and work sources on one
 * PostgreSQL, no workers): one Idempotency-Key sent to both at once makes one job, and the queue's
 * bound counts the jobs of every instance.
 */
class PostgresJobServiceTest {

  private static JobService instance(DataSource db, String name, int capacity) {
    QueueSettings settings = QueueSettings.defaults();
    PgWorkSource source =
        new PgWorkSource(
            new PgJobQueue(db, settings),
            new PgNotifications(db, Duration.ofSeconds(1)),
            name,
            null,
            Duration.ofDays(30),
            capacity);
    return new JobService(
        new PgJobStore(db, settings),
        new PgImageStore(db),
        TestModels.registry(),
        source,
        Clock.systemUTC(),
        new JobMetrics(new SimpleMeterRegistry(), source));
  }

  @Test
  void oneKeySentToTwoInstancesAtOnceMakesOneJob() throws Exception {
    DataSource db = PostgresTestDatabase.fresh();
    List<JobService> instances = List.of(instance(db, "A", 256), instance(db, "B", 256));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<JobService.Submitted>> answers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        JobService target = instances.get(i % 2);
        Callable<JobService.Submitted> submit =
            () -> target.submit(PostgresQueueTest.spec(64, 7), "same-key");
        answers.add(pool.submit(submit));
      }
      Set<String> ids = new HashSet<>();
      int created = 0;
      for (Future<JobService.Submitted> a : answers) {
        ids.add(a.get().job().id());
        created += a.get().created() ? 1 : 0;
      }
      assertEquals(1, ids.size(), "one job for one key: " + ids);
      assertEquals(1, created);
    } finally {
      pool.shutdownNow();
    }
    // The same key with another request is a conflict, on either instance.
    assertThrows(
        IdempotencyConflictException.class,
        () -> instances.get(1).submit(PostgresQueueTest.spec(64, 8), "same-key"));
  }

  @Test
  void theQueueBoundCountsTheJobsOfEveryInstance() {
    DataSource db = PostgresTestDatabase.fresh();
    JobService a = instance(db, "A", 3);
    JobService b = instance(db, "B", 3);
    a.submit(PostgresQueueTest.spec(64, 1), null);
    b.submit(PostgresQueueTest.spec(64, 2), null);
    a.submit(PostgresQueueTest.spec(64, 3), null);
    assertThrows(QueueFullException.class, () -> b.submit(PostgresQueueTest.spec(64, 4), null));
  }
}
