package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** The real SavedModels of ../shared/models, prepared once per test JVM, and ways to run them. */
final class SharedModels {
  static final Path DIR = org.lucerna.testing.TestModels.SHARED;
  static final LoadOptions MNIST_OPTIONS =
      new LoadOptions(List.of("tag"), "serving_default", "input");
  private static final Map<String, PreparedModel> PREPARED = new HashMap<>();

  private SharedModels() {}

  static synchronized PreparedModel prepared(String name, LoadOptions options) {
    return PREPARED.computeIfAbsent(
        name,
        n ->
            SavedModelLoader.load(
                DIR.resolve(n), new ModelId(n, 1), options, ModelMetadata.DEFAULT));
  }

  /** Deterministic values in [0, 1). */
  static float[] noise(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[size];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble();
    }
    return v;
  }

  /** The original SavedModel, run as TensorFlow loads it, function calls and variables included. */
  static float[] runOriginal(
      String name, List<String> tags, String feed, String fetch, Shape shape, float[] input) {
    try (SavedModelBundle bundle =
        SavedModelBundle.loader(DIR.resolve(name).toString())
            .withTags(tags.toArray(String[]::new))
            .load()) {
      return run(bundle.session(), feed, fetch, shape, input);
    }
  }

  /** The prepared graph, run in a graph and session of its own. */
  static float[] runPrepared(PreparedModel model, String fetch, Shape shape, float[] input) {
    try (Graph g = new Graph()) {
      g.importGraphDef(model.graph());
      try (Session s = new Session(g)) {
        return run(s, model.input().node() + ":0", fetch, shape, input);
      }
    }
  }

  private static float[] run(Session s, String feed, String fetch, Shape shape, float[] input) {
    try (TFloat32 x = TFloat32.tensorOf(shape, DataBuffers.of(input));
        Result r = s.runner().feed(feed, x).fetch(fetch).run()) {
      TFloat32 y = (TFloat32) r.get(0);
      float[] out = new float[(int) y.size()];
      y.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  static void assertClose(float[] expected, float[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, "output sizes");
    double max = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    assertTrue(
        max <= tolerance,
        "max abs diff " + max + " > " + tolerance + " (largest output " + scale + ")");
  }

  /**
   * Runs every layer of the catalog on one input and checks its depth against the declared
   * channels.
   */
  static void assertChannelsMatchActivations(PreparedModel model, Shape shape) {
    float[] input = noise((int) shape.size(), 3);
    try (Graph g = new Graph()) {
      g.importGraphDef(model.graph());
      try (Session s = new Session(g);
          TFloat32 x = TFloat32.tensorOf(shape, DataBuffers.of(input))) {
        for (LayerInfo layer : model.layers().all()) {
          try (Result r =
              s.runner().feed(model.input().node() + ":0", x).fetch(layer.output()).run()) {
            long[] real = r.get(0).shape().asArray();
            assertEquals(
                layer.channels(),
                real[real.length - 1],
                layer + " has depth " + real[real.length - 1]);
            assertEquals(layer.shape().length, real.length, layer + " rank");
          }
        }
      }
    }
  }

  /**
   * The channel of {@code layer} that fires most on a mid-gray image: a ReLU channel that is zero
   * everywhere at the start of a render has no gradient, and a trained net has many such channels.
   */
  static int liveChannel(PreparedModel model, String layer, Shape shape) {
    float[] gray = new float[(int) shape.size()];
    java.util.Arrays.fill(gray, 0.5f);
    LayerInfo info = model.layers().get(layer);
    float[] act = runPrepared(model, info.output(), shape, gray);
    int channels = info.channels();
    double[] mean = new double[channels];
    for (int i = 0; i < act.length; i++) {
      mean[i % channels] += act[i];
    }
    int best = 0;
    for (int c = 1; c < channels; c++) {
      if (mean[c] > mean[best]) {
        best = c;
      }
    }
    return best;
  }
}
