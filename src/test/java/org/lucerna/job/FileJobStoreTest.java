package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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
    Job saved =
        store()
            .save(
                a.moveTo(JobStatus.RUNNING, Instant.now(), null)
                    .withProgress(
                        new Progress(
                            2,
                            50,
                            0.75,
                            2.0,
                            List.of(),
                            List.of(new CurvePoint(1, 0.5), new CurvePoint(2, 0.75)))));
    JobStore reopened = new FileJobStore(dir);
    assertEquals(saved, reopened.find(a.id()).orElseThrow());
    assertEquals(b, reopened.find(b.id()).orElseThrow());
  }

  /** A job file written before curves were recorded: its progress reads with an empty curve. */
  @Test
  void aJobFileWithoutACurveReadsWithAnEmptyOne() throws Exception {
    Job a = job(22, "a");
    store().insert(a);
    Job saved =
        store()
            .save(
                a.moveTo(JobStatus.RUNNING, Instant.now(), null)
                    .withProgress(new Progress(7, 50, 1.5, 3.0, List.of(5))));
    // An empty curve is not written, so the file is as the older code wrote it.
    Path file = dir.resolve(a.id() + ".json");
    String older = Files.readString(file);
    assertTrue(older.contains("\"snapshots\":[5]}") && !older.contains("curve"), older);
    Job read = new FileJobStore(dir).find(a.id()).orElseThrow();
    assertEquals(List.of(), read.progress().curve());
    assertEquals(saved, read);
  }
}
