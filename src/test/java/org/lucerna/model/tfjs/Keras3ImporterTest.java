package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;

/**
 * A real Keras 3 {@code .keras} file (Keras 3.3.3, MIT; provenance in the README): a potato-leaf
 * CNN whose front is two nested Sequentials of preprocessing and augmentation layers, imported in
 * place, checked against an independent float64 numpy forward pass (reference_numpy.py beside the
 * file), and rendered.
 */
class Keras3ImporterTest {
  static final Path DIR = KerasH5ImporterTest.MODELS.resolve("keras3_potato");
  private static final int SIZE = 256;

  @TempDir static Path tmp;
  private static PreparedModel model;
  private static JsonNode reference;

  @BeforeAll
  static void importTheFile() throws Exception {
    Path version = tmp.resolve("repo").resolve("potato").resolve("1");
    Files.createDirectories(version);
    Files.copy(DIR.resolve("plantguard_potato.keras"), version.resolve("plantguard_potato.keras"));
    // The model rescales by 1/255 itself: it reads pixels 0..255.
    Files.writeString(
        version.resolve(TfjsImporter.METADATA),
        "{\"valueRange\": [0, 255], \"channelOrder\": \"RGB\"}");
    ModelRepository repository =
        new ModelRepository(
            tmp.resolve("repo"),
            List.of(new TfjsImporter(), new KerasH5Importer(), new Keras3Importer()));
    ModelRepository.Import pending =
        repository.resolve("potato", OptionalLong.empty()).pendingImport().orElseThrow();
    assertTrue(pending.importer() instanceof Keras3Importer, pending.importer().toString());
    pending.run(version);
    assertTrue(Files.exists(version.resolve("plantguard_potato.keras")), "the file stays");
    model = new ModelRegistry(repository).get("potato", OptionalLong.empty());
    reference = new ObjectMapper().readTree(DIR.resolve("reference-numpy.json").toFile());
  }

  static float[] image(String name) {
    float[] x = new float[SIZE * SIZE * 3];
    int[] bright = {200, 180, 40};
    int[] dark = {30, 90, 30};
    int k = 0;
    for (int i = 0; i < SIZE; i++) {
      for (int j = 0; j < SIZE; j++) {
        for (int c = 0; c < 3; c++) {
          x[k++] =
              switch (name) {
                case "gray128" -> 128;
                case "ramp" -> (i * 7 + j * 3 + c * 50) % 256;
                case "bars" -> (j / 16) % 2 == 0 ? bright[c] : dark[c];
                default -> throw new IllegalArgumentException(name);
              };
        }
      }
    }
    return x;
  }

  @Test
  void itListsItsLayersWithTheirKerasNames() {
    assertEquals(
        List.of(-1L, 256L, 256L, 3L), Arrays.stream(model.input().shape()).boxed().toList());
    List<String> names = model.layers().all().stream().map(LayerInfo::name).toList();
    for (String layer : List.of("conv2d", "conv2d_2", "conv2d_5", "max_pooling2d_1", "dense")) {
      assertTrue(names.contains(layer), layer + " in " + names);
    }
    assertEquals(64, model.layers().get("conv2d_2").channels());
    assertEquals(3, model.layers().get("dense_1").channels());
  }

  @Test
  void logitsAndAnInnerLayerMatchAnIndependentNumpyForwardPass() {
    double worstLogit = 0;
    double worstMean = 0;
    for (String name : List.of("gray128", "ramp", "bars")) {
      float[] x = image(name);
      float[] logits = KerasH5ImporterTest.run(model, "dense_1/BiasAdd:0", x);
      JsonNode want = reference.path("logits").path(name);
      for (int k = 0; k < 3; k++) {
        double w = want.get(k).asDouble();
        worstLogit = Math.max(worstLogit, Math.abs(logits[k] - w) / Math.max(1, Math.abs(w)));
      }
      float[] act = KerasH5ImporterTest.run(model, model.layers().get("conv2d_2").output(), x);
      double[] mean = new double[64];
      for (int i = 0; i < act.length; i++) {
        mean[i % 64] += act[i] / (act.length / 64.0);
      }
      JsonNode wantMean = reference.path("conv2d_2_channel_means").path(name);
      for (int c = 0; c < 64; c++) {
        worstMean = Math.max(worstMean, Math.abs(mean[c] - wantMean.get(c).asDouble()));
      }
    }
    float[] p =
        KerasH5ImporterTest.run(model, model.layers().get("dense_1").output(), image("gray128"));
    double worstP = 0;
    for (int k = 0; k < 3; k++) {
      worstP =
          Math.max(worstP, Math.abs(p[k] - reference.at("/probabilities/gray128/" + k).asDouble()));
    }
    System.out.printf(
        "[Keras3ImporterTest] vs numpy: logits max rel. diff %.2e, conv2d_2 channel means max"
            + " abs diff %.2e, gray128 probabilities max abs diff %.2e%n",
        worstLogit, worstMean, worstP);
    assertTrue(worstLogit < 1e-4, "logits differ by " + worstLogit);
    assertTrue(worstMean < 1e-4, "conv2d_2 channel means differ by " + worstMean);
    assertTrue(worstP < 1e-5, "probabilities differ by " + worstP);
  }

  @Test
  void aChannelOfAnInnerLayerRendersAndItsObjectiveRises() {
    // The channel most active on the numpy reference's gray image: alive at the start.
    JsonNode means = reference.path("conv2d_2_channel_means").path("gray128");
    int channel = 0;
    for (int c = 1; c < means.size(); c++) {
      if (means.get(c).asDouble() > means.get(channel).asDouble()) {
        channel = c;
      }
    }
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(SIZE, SIZE, 1, Objectives.channel("conv2d_2", channel)),
            ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r =
          plan.render(
              Objectives.channel("conv2d_2", channel),
              new RenderSettings(12, 1),
              RenderListener.NONE);
      System.out.printf(
          "[Keras3ImporterTest] conv2d_2:%d objective %.3f -> %.3f%n",
          channel, r.firstObjective(), r.lastObjective());
      assertEquals(SIZE, r.image().width());
      assertTrue(
          r.lastObjective() > r.firstObjective() * 1.5 + 0.05,
          "first " + r.firstObjective() + ", last " + r.lastObjective());
    }
  }

  @Test
  void keras3NamesItsSavedLayersByTheirClass() {
    assertEquals("conv2d", Keras3Importer.snakeCase("Conv2D"));
    assertEquals("max_pooling2d", Keras3Importer.snakeCase("MaxPooling2D"));
    assertEquals("batch_normalization", Keras3Importer.snakeCase("BatchNormalization"));
    assertEquals("depthwise_conv2d", Keras3Importer.snakeCase("DepthwiseConv2D"));
    assertEquals("re_lu", Keras3Importer.snakeCase("ReLU"));
  }

  @Test
  void aFileThatIsNotAZipIsRefusedSayingSo(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("m.keras");
    Files.writeString(bad, "not a zip");
    MalformedModelException e =
        assertThrows(
            MalformedModelException.class,
            () -> Keras3Importer.importFile(bad, dir.resolve("out")));
    assertTrue(e.getMessage().contains("m.keras"), e.getMessage());
    assertTrue(e.getMessage().contains("zip"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("out")));
  }
}
