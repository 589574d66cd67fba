package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every {@link ImageStore} must do; each implementation's test extends this. */
abstract class ImageStoreContract {

  protected abstract ImageStore store();

  @Test
  void imagesReadBackByJobAndNameAndGoWithTheirJob() {
    String a = JobIds.next(Instant.now());
    String b = JobIds.next(Instant.now());
    store().put(a, "final-0", new byte[] {1, 2, 3});
    store().put(a, "step-5-0", new byte[] {4});
    store().put(b, "final-0", new byte[] {9});
    assertArrayEquals(new byte[] {1, 2, 3}, store().get(a, "final-0").orElseThrow());
    store().put(a, "final-0", new byte[] {7});
    assertArrayEquals(new byte[] {7}, store().get(a, "final-0").orElseThrow());
    assertTrue(store().get(a, "grid").isEmpty());
    store().deleteAll(a);
    assertTrue(store().get(a, "final-0").isEmpty());
    assertTrue(store().get(a, "step-5-0").isEmpty());
    assertArrayEquals(new byte[] {9}, store().get(b, "final-0").orElseThrow());
  }
}
