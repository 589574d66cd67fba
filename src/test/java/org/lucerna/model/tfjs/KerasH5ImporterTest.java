package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Real Keras 2 {@code .h5} files from public repositories (MIT; provenance in the README), imported
 * in place from a version folder.
 */
class KerasH5ImporterTest {
  static final Path MODELS = Path.of("src", "test", "resources", "models");

  @TempDir Path tmp;

  private PreparedModel imported(String name, Path h5, String modelJson) throws Exception {
    Path version = tmp.resolve("repo").resolve(name).resolve("1");
    Files.createDirectories(version);
    Files.copy(h5, version.resolve(h5.getFileName()));
    if (modelJson != null) {
      Files.writeString(version.resolve(TfjsImporter.METADATA), modelJson);
    }
    ModelRepository repository =
        new ModelRepository(tmp.resolve("repo"), List.of(new KerasH5Importer()));
    ModelRepository.Import pending =
        repository.resolve(name, OptionalLong.empty()).pendingImport().orElseThrow();
    pending.run(version);
    assertTrue(Files.exists(version.resolve(h5.getFileName())), "the .h5 file stays");
    return new ModelRegistry(repository).get(name, OptionalLong.empty());
  }

  @Test
  void mnistH5MatchesAnIndependentNumpyForwardPass() throws Exception {
    PreparedModel m =
        imported(
            "mnist",
            MODELS.resolve("keras_mnist/mnist.h5"),
            "{\"valueRange\": [0, 255], \"channelOrder\": \"RGB\"}");
    assertEquals(List.of(-1L, 28L, 28L, 1L), Arrays.stream(m.input().shape()).boxed().toList());
    assertEquals(64, m.layers().get("conv2d_1").channels());
    JsonNode reference =
        new ObjectMapper().readTree(MODELS.resolve("keras_mnist/reference-numpy.json").toFile());
    String output = m.layers().get("dense_1").output();
    double worst = 0;
    for (String name :
        List.of(
            "zeros",
            "ramp_i7_j3_mod256",
            "bar_cols_12_15_255",
            "ramp_i7_j3_mod256_div255",
            "bar_cols_12_15_255_div255")) {
      float[] x = new float[28 * 28];
      for (int i = 0; i < 28; i++) {
        for (int j = 0; j < 28; j++) {
          double v =
              switch (name.replace("_div255", "")) {
                case "zeros" -> 0;
                case "ramp_i7_j3_mod256" -> (i * 7 + j * 3) % 256;
                default -> (j >= 12 && j <= 15 && i >= 4 && i <= 23) ? 255 : 0;
              };
          x[i * 28 + j] = (float) (name.endsWith("_div255") ? v / 255.0 : v);
        }
      }
      float[] p = run(m, output, x);
      JsonNode expected = reference.get("probabilities").get(name);
      for (int k = 0; k < 10; k++) {
        worst = Math.max(worst, Math.abs(p[k] - expected.get(k).asDouble()));
      }
    }
    System.out.println("[KerasH5ImporterTest] mnist.h5 vs numpy: max abs difference " + worst);
    assertTrue(worst < 1e-4, "max abs difference " + worst);
  }

  @Test
  void theTinyXceptionOfKeras205LoadsWithItsLayers() throws Exception {
    PreparedModel m =
        imported("tiny_xception", MODELS.resolve("keras_xception/tiny_XCEPTION_KDEF.hdf5"), null);
    assertEquals(List.of(-1L, 64L, 64L, 1L), Arrays.stream(m.input().shape()).boxed().toList());
    assertTrue(m.layers().contains("activation_3"));
    float[] x = new float[64 * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 37 % 101) / 100f;
    }
    String out = m.layers().all().stream().reduce((a, b) -> b).orElseThrow().output();
    float[] p = run(m, out, x);
    double sum = 0;
    for (float v : p) {
      sum += v;
    }
    assertEquals(1.0, sum, 1e-4, "softmax output " + Arrays.toString(p));
  }

  static float[] run(PreparedModel m, String output, float[] x) {
    try (Graph g = new Graph()) {
      g.importGraphDef(m.graph());
      long[] shape = m.input().shape().clone();
      shape[0] = 1;
      try (Session s = new Session(g);
          TFloat32 in = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(x));
          Result r = s.runner().feed(m.input().node() + ":0", in).fetch(output).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] out = new float[(int) t.shape().size()];
        t.asRawTensor().data().asFloats().read(out);
        return out;
      }
    }
  }
}
