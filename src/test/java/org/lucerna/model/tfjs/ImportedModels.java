package org.lucerna.model.tfjs;

import java.nio.file.Path;
import org.lucerna.model.LoadOptions;
import org.lucerna.model.ModelId;
import org.lucerna.model.ModelMetadata;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.SavedModelLoader;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Imported models run the way the service runs them: loaded, frozen and cataloged by
 * SavedModelLoader.
 */
final class ImportedModels {
  private ImportedModels() {}

  static PreparedModel importAndLoad(Path modelJsonDir, Path versionDir) {
    TfjsImporter.importModel(modelJsonDir, versionDir);
    return SavedModelLoader.load(
        versionDir,
        new ModelId(versionDir.getParent().getFileName().toString(), 1),
        LoadOptions.DEFAULT,
        ModelMetadata.DEFAULT);
  }

  /** The activations of {@code layer} (by its catalog name) for one input of {@code shape}. */
  static float[] run(PreparedModel model, String layer, float[] input, long... shape) {
    try (Graph g = new Graph()) {
      g.importGraphDef(model.graph());
      try (Session s = new Session(g);
          TFloat32 in = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(input, true, false));
          Result r =
              s.runner()
                  .feed(model.input().node(), in)
                  .fetch(model.layers().get(layer).output())
                  .run()) {
        TFloat32 out = (TFloat32) r.get(0);
        float[] values = new float[(int) out.size()];
        out.copyTo(DataBuffers.of(values, false, false));
        return values;
      }
    }
  }

  static double maxAbsDiff(float[] actual, double[] expected) {
    if (actual.length != expected.length) {
      throw new AssertionError("length " + actual.length + " != expected " + expected.length);
    }
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
    }
    return max;
  }
}
