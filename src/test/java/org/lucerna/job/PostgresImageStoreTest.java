package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lucerna.job.postgres.PgImageStore;
import org.lucerna.job.postgres.PgJobStore;
import org.lucerna.job.postgres.PostgresTestDatabase;
import org.lucerna.job.postgres.QueueSettings;

/** The image store contract against a real PostgreSQL. */
class PostgresImageStoreTest extends ImageStoreContract {
  private static DataSource db;
  private static ImageStore store;

  @BeforeAll
  static void database() {
    db = PostgresTestDatabase.fresh();
    store = new PgImageStore(db);
  }

  @Override
  protected ImageStore store() {
    return store;
  }

  @Test
  void deletingAJobDeletesItsImages() {
    Job job = JobStoreContract.job(40, "a");
    JobStore jobs = new PgJobStore(db, QueueSettings.defaults());
    store.put(job.id(), ImageNames.START, new byte[] {1});
    jobs.insert(job);
    store.put(job.id(), ImageNames.finalImage(0), new byte[] {2});
    jobs.delete(job.id());
    assertTrue(store.get(job.id(), ImageNames.START).isEmpty());
    assertTrue(store.get(job.id(), ImageNames.finalImage(0)).isEmpty());
  }
}
