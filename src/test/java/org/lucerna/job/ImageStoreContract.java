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

  /**
   * A CPPN job keeps its final parameters beside its PNGs (raw float32, not a PNG) and its drawings
   * again larger under their own names; they read back exactly and go with their job.
   */
  @Test
  void aCppnsParametersAndDrawingsAreKeptByName() {
    String a = JobIds.next(Instant.now());
    float[] weights = new float[8451];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) Math.sin(i) * 1e-3f * i;
    }
    store().put(a, ImageNames.parameters(1), Floats.bytes(weights));
    store().put(a, ImageNames.scaled(1, 4), new byte[] {5, 6});
    assertArrayEquals(
        weights, Floats.floats(store().get(a, ImageNames.parameters(1)).orElseThrow()));
    assertArrayEquals(new byte[] {5, 6}, store().get(a, ImageNames.scaled(1, 4)).orElseThrow());
    assertTrue(store().get(a, ImageNames.scaled(1, 2)).isEmpty());
    store().deleteAll(a);
    assertTrue(store().get(a, ImageNames.parameters(1)).isEmpty());
    assertTrue(store().get(a, ImageNames.scaled(1, 4)).isEmpty());
  }
}
