package org.lucerna.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Prints how long preparing a SavedModel takes (inline, freeze, catalog) and how long loading it
 * back from the prepared-model cache takes, medians of 5 after one warm-up that also loads
 * TensorFlow. Run: {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * org.lucerna.model.PrepareBenchmark DIR}
 */
public final class PrepareBenchmark {
  private PrepareBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    ModelId id = new ModelId(dir.getFileName().toString(), 1);
    Path cacheDir = Files.createTempDirectory("prepared-bench");
    PreparedModelCache cache = new PreparedModelCache(cacheDir);
    String key = PreparedModelCache.key(dir, LoadOptions.DEFAULT);
    PreparedModel warm = SavedModelLoader.load(dir, id, LoadOptions.DEFAULT, ModelMetadata.DEFAULT);
    cache.put(key, warm);
    cache.find(key, id, ModelMetadata.DEFAULT).orElseThrow();
    long[] prepare = new long[5];
    long[] cached = new long[5];
    for (int i = 0; i < 5; i++) {
      long t = System.nanoTime();
      SavedModelLoader.load(dir, id, LoadOptions.DEFAULT, ModelMetadata.DEFAULT);
      prepare[i] = System.nanoTime() - t;
      t = System.nanoTime();
      PreparedModelCache.key(dir, LoadOptions.DEFAULT);
      cache.find(key, id, ModelMetadata.DEFAULT).orElseThrow();
      cached[i] = System.nanoTime() - t;
    }
    Arrays.sort(prepare);
    Arrays.sort(cached);
    System.out.printf(
        "%s: %d nodes, %d bytes prepared; prepare %.0f ms, cached load (hash + read + catalog) %.0f ms%n",
        id.name(),
        warm.graph().getNodeCount(),
        warm.sizeBytes(),
        prepare[2] / 1e6,
        cached[2] / 1e6);
  }
}
