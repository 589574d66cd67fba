package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJobStoreTest extends JobStoreContract {
  @TempDir Path dir;
  private JobStore store;

  @Override
  protected JobStore store() {
    if (store == null) {
      store = new FileJobStore(dir);
    }
    return store;
  }

  @Test
  void aNewStoreOnTheSameFolderFindsEveryJobAsLastSaved() {
    Job a = job(20, "a");
    Job b = job(21, "b");
    store().insert(a);
    store().insert(b);
    Job saved = store().save(a.moveTo(JobStatus.RUNNING, Instant.now(), null));
    JobStore reopened = new FileJobStore(dir);
    assertEquals(saved, reopened.find(a.id()).orElseThrow());
    assertEquals(b, reopened.find(b.id()).orElseThrow());
  }
}
