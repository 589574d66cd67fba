package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileImageStoreTest extends ImageStoreContract {
  @TempDir Path dir;

  @Override
  protected ImageStore store() {
    return new FileImageStore(dir);
  }

  @Test
  void namesThatCouldLeaveTheFolderAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> store().put("../../etc", "final-0", new byte[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> store().put("01ARZ3NDEKTSV4RRFFQ69G5FAV", "../x", new byte[1]));
  }
}
