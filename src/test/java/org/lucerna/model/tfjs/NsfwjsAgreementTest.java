package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.testing.TestModels;

/**
 * The zoo models, imported from the npm package into the tests' model repository and loaded the way
 * the service loads them, give the class probabilities that nsfwjs' own code gives under Node.js
 * (src/test/node/reference.mjs, stored in nsfwjs-reference.json), to 1e-3.
 *
 * <p>Needs npm and the npm registry, or {@code -Dlucerna.zoo.package=nsfwjs-4.4.0.tgz}; without
 * either it is skipped with a message saying so.
 */
class NsfwjsAgreementTest {
  private static final double TOLERANCE = 1e-3;
  private static JsonNode reference;

  @BeforeAll
  static void importTheZoo() throws Exception {
    try (InputStream in = NsfwjsAgreementTest.class.getResourceAsStream("nsfwjs-reference.json")) {
      reference = TfjsFixture.JSON.readTree(in);
    }
    String tarball = System.getProperty("lucerna.zoo.package");
    try {
      long start = System.nanoTime();
      ModelZoo.install(
          TestModels.ROOT, ModelZoo.MODELS, tarball == null ? null : Path.of(tarball), System.out);
      System.out.printf("zoo ready in %.1f s%n", (System.nanoTime() - start) / 1e9);
    } catch (ModelZoo.PackageUnavailableException e) {
      Assumptions.abort(
          "npm cannot get "
              + NsfwjsPackage.SPEC
              + ", so there is nothing to compare: "
              + e.getMessage()
              + " (install npm with registry access, or pass -Dlucerna.zoo.package=<tarball>)");
    }
  }

  /** The test images of reference.mjs, pixel values 0..255, by the same integer formulas. */
  static float[] pixels(String image, int size) {
    float[] out = new float[size * size * 3];
    int state = 20171107;
    int i = 0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (int c = 0; c < 3; c++) {
          int v =
              switch (image) {
                case "solid_gray" -> 128;
                case "solid_red" -> new int[] {200, 30, 60}[c];
                case "gradient" ->
                    c == 0
                        ? 255 * x / (size - 1)
                        : c == 1 ? 255 * y / (size - 1) : 255 * (x + y) / (2 * (size - 1));
                case "stripes" ->
                    (x / 16 + y / 16) % 2 == 0
                        ? new int[] {250, 220, 10}[c]
                        : new int[] {20, 40, 160}[c];
                case "noise" -> {
                  state ^= state << 13;
                  state ^= state >>> 17;
                  state ^= state << 5;
                  yield state >>> 24;
                }
                default -> throw new IllegalArgumentException(image);
              };
          out[i++] = v;
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mobilenet_v2", "inception_v3"})
  void probabilitiesMatchThePackage(String name) {
    JsonNode expected = reference.path("models").path(name);
    int size = expected.path("size").asInt();
    PreparedModel model = TestModels.registry().get(name, OptionalLong.empty());
    assertEquals(
        List.of(-1L, (long) size, (long) size, 3L),
        java.util.Arrays.stream(model.input().shape()).boxed().toList());
    assertTrue(model.layers().contains("dense_3"), "the Keras names are the layer names");

    List<String> images = new ArrayList<>();
    expected.path("images").fieldNames().forEachRemaining(images::add);
    int pixels = size * size * 3;
    float[] batch = new float[images.size() * pixels];
    for (int b = 0; b < images.size(); b++) {
      float[] p = pixels(images.get(b), size);
      for (int i = 0; i < pixels; i++) {
        batch[b * pixels + i] = p[i] / 255f; // nsfwjs' preprocessing, in float32 as TF.js does it
      }
    }
    long start = System.nanoTime();
    float[] probabilities =
        ImportedModels.run(model, "dense_3", batch, images.size(), size, size, 3);
    double seconds = (System.nanoTime() - start) / 1e9;

    double maxDiff = 0;
    for (int b = 0; b < images.size(); b++) {
      JsonNode want = expected.path("images").path(images.get(b));
      for (int k = 0; k < 5; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(probabilities[b * 5 + k] - want.get(k).asDouble()));
      }
    }
    System.out.printf(
        "%s: %d images, max |p - p_nsfwjs| = %.2e (forward %.2f s)%n",
        name, images.size(), maxDiff, seconds);
    assertTrue(
        maxDiff <= TOLERANCE,
        name + ": max abs difference " + maxDiff + " to nsfwjs' probabilities");
  }

  @Test
  void inceptionHasLucidsLayerNamesAndShapes() {
    PreparedModel model = TestModels.registry().get("inception_v3", OptionalLong.empty());
    long[][] expected = {
      {35, 256}, {35, 288}, {35, 288}, {17, 768}, {17, 768}, {17, 768}, {17, 768}, {17, 768},
      {8, 1280}, {8, 2048}, {8, 2048}
    };
    for (int i = 0; i < expected.length; i++) {
      LayerInfo layer = model.layers().get("mixed" + i);
      assertEquals("ConcatV2", layer.opType(), layer.toString());
      assertEquals(
          List.of(-1L, expected[i][0], expected[i][0], expected[i][1]),
          java.util.Arrays.stream(layer.shape()).boxed().toList(),
          layer.toString());
    }
    // Batch-norm folding leaves a convolution readable by its name as the folded one times 1/scale.
    assertEquals("Mul", model.layers().get("conv2d_1").opType());
    assertEquals("Relu", model.layers().get("activation_1").opType());
  }

  @Test
  void theOptimizerRaisesAChannelOfMixed4() {
    PreparedModel model = TestModels.registry().get("inception_v3", OptionalLong.empty());
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(299, 299, 1, Objectives.channel("mixed4", 97)),
            ExecutionOptions.CPU_DEFAULT)) {
      plan.render(
          Objectives.channel("mixed4", 97),
          new RenderSettings(2, 1),
          RenderListener.NONE); // warm-up
      long start = System.nanoTime();
      RenderResult r =
          plan.render(
              Objectives.channel("mixed4", 97), new RenderSettings(12, 1), RenderListener.NONE);
      System.out.printf(
          "mixed4:97 at 299 px: %.3f s per step, objective %.3f -> %.3f%n",
          (System.nanoTime() - start) / 1e9 / 12, r.firstObjective(), r.lastObjective());
      assertTrue(
          r.lastObjective() > r.firstObjective() * 1.5 + 0.1,
          "first " + r.firstObjective() + ", last " + r.lastObjective());
    }
  }
}
