package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lucerna.job.postgres.PgJobStore;
import org.lucerna.job.postgres.PostgresTestDatabase;
import org.lucerna.job.postgres.QueueSettings;

/**
 * The job store contract against a real PostgreSQL (one database for the class, emptied per test).
 */
class PostgresJobStoreTest extends JobStoreContract {
  private static DataSource db;
  private static JobStore store;

  @BeforeAll
  static void database() {
    db = PostgresTestDatabase.fresh();
    store = new PgJobStore(db, QueueSettings.defaults());
  }

  @BeforeEach
  void empty() {
    PostgresTestDatabase.truncate(db);
  }

  @Override
  protected JobStore store() {
    return store;
  }

  @Test
  void aSecondStoreOnTheSameDatabaseSeesEveryJobAsLastSaved() {
    Job a = job(30, "a");
    store.insert(a);
    Job saved =
        store.save(
            a.moveTo(JobStatus.RUNNING, Instant.now(), null)
                .withProgress(new Progress(7, 50, 1.25, 3.5, List.of(5))));
    JobStore other = new PgJobStore(db, QueueSettings.defaults());
    assertEquals(saved, other.find(a.id()).orElseThrow());
    Job done = other.save(saved.moveTo(JobStatus.FAILED, Instant.now(), "boom"));
    assertEquals(done, store.find(a.id()).orElseThrow());
    assertEquals("boom", done.error());
  }

  @Test
  void oneIdempotencyKeyMakesOneJob() {
    Job first = job(32, "a");
    store.insert(first);
    Job second =
        Job.queued(
            JobIds.next(Instant.now()),
            first.spec(),
            new Job.Submission("other", first.submission().idempotencyKey(), null),
            Instant.now());
    IdempotencyKeyTakenException e =
        assertThrows(IdempotencyKeyTakenException.class, () -> store.insert(second));
    assertEquals(first.id(), e.existingJobId());
  }
}
