package org.lucerna.model;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Prints what a first {@link LayerShapes} question costs on a model (import of the whole graph with
 * a sized input), and what a repeated one costs (the cache). Run with a model repository whose
 * prepared cache holds the model, so that the time is not the preparation's: {@code java -cp
 * target/classes:target/test-classes:$(cat target/cp.txt) org.lucerna.model.LayerShapesBenchmark
 * ROOT NAME LAYER H W}
 */
public final class LayerShapesBenchmark {
  private LayerShapesBenchmark() {}

  public static void main(String[] args) {
    Path root = Path.of(args[0]);
    try (ModelRegistry registry =
        new ModelRegistry(
            new ModelRepository(root),
            new PreparedModelCache(root.resolve(".prepared")),
            ModelRegistry.DEFAULT_MAX_BYTES)) {
      long t = System.nanoTime();
      PreparedModel model = registry.get(args[1], OptionalLong.empty());
      System.out.printf(
          "load %.0f ms, %d nodes, %d bytes%n",
          (System.nanoTime() - t) / 1e6, model.graph().getNodeCount(), model.sizeBytes());
      LayerInfo layer = model.layers().get(args[2]);
      int h = Integer.parseInt(args[3]);
      int w = Integer.parseInt(args[4]);
      for (int run = 0; run < 3; run++) {
        LayerShapes shapes = new LayerShapes();
        t = System.nanoTime();
        var first = shapes.of(model, layer, h, w);
        long firstNanos = System.nanoTime() - t;
        t = System.nanoTime();
        shapes.of(model, layer, h, w);
        long again = System.nanoTime() - t;
        System.out.printf(
            "%s at %d×%d: %s; first %.0f ms, cached %.3f ms%n",
            layer.name(), h, w, first, firstNanos / 1e6, again / 1e6);
      }
    }
  }
}
