package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lucerna.model.tfjs.TfjsFixture.cfg;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;

/**
 * Every supported Keras layer, imported from a TF.js model written by {@link TfjsFixture} and run
 * through the service's loader, against {@link Nhwc}'s loop implementations of the Keras formulas.
 */
class TfjsImporterTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir Path tmp;

  private static float[] input(long seed, int n, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return x;
  }

  private static void assertClose(String layer, double[] expected, float[] actual) {
    double diff = ImportedModels.maxAbsDiff(actual, expected);
    assertTrue(diff < TOLERANCE, layer + ": max abs diff " + diff);
  }

  private static ConfigBuilder conv(int filters, int k0, int k1, int stride, String padding) {
    return new ConfigBuilder(
        cfg(
            "filters",
            filters,
            "kernel_size",
            List.of(k0, k1),
            "strides",
            List.of(stride, stride),
            "padding",
            padding,
            "data_format",
            "channels_last",
            "dilation_rate",
            List.of(1, 1)));
  }

  /** Fluent tweaks of a layer config. */
  record ConfigBuilder(com.fasterxml.jackson.databind.node.ObjectNode node) {
    ConfigBuilder with(String key, Object value) {
      node.set(key, TfjsFixture.JSON.valueToTree(value));
      return this;
    }
  }

  @Test
  void convolutionsMatchTheKerasFormulas() throws Exception {
    TfjsFixture f = TfjsFixture.functional(1, 9, 9, 3);
    f.layer(
        "Conv2D",
        "c1",
        conv(4, 3, 3, 2, "valid").with("use_bias", true).with("activation", "relu").node(),
        "input_1");
    f.layer(
        "Conv2D",
        "c2",
        conv(3, 3, 3, 1, "same")
            .with("use_bias", false)
            .with("activation", "linear")
            .with("dilation_rate", List.of(2, 2))
            .node(),
        "input_1");
    f.layer(
        "Conv2D",
        "c3",
        conv(2, 1, 3, 2, "same").with("use_bias", true).with("activation", "sigmoid").node(),
        "input_1");
    f.layer(
        "DepthwiseConv2D",
        "d1",
        cfg(
            "kernel_size",
            List.of(3, 3),
            "strides",
            List.of(2, 2),
            "padding",
            "same",
            "depth_multiplier",
            2,
            "use_bias",
            true,
            "activation",
            "linear"),
        "input_1");
    f.layer(
        "SeparableConv2D",
        "s1",
        cfg(
            "filters",
            3,
            "kernel_size",
            List.of(3, 3),
            "strides",
            List.of(1, 1),
            "padding",
            "valid",
            "depth_multiplier",
            1,
            "use_bias",
            true,
            "activation",
            "relu"),
        "input_1");
    f.outputs("c1", "c2", "c3", "d1", "s1");
    f.weight("c1/kernel", 3, 3, 3, 4);
    f.weight("c1/bias", 4);
    f.weight("c2/kernel", 3, 3, 3, 3);
    f.weight("c3/kernel", 1, 3, 3, 2);
    f.weight("c3/bias", 2);
    f.weight("d1/depthwise_kernel", 3, 3, 3, 2);
    f.weight("d1/bias", 6);
    f.weight("s1/depthwise_kernel", 3, 3, 3, 1);
    f.weight("s1/pointwise_kernel", 1, 1, 3, 3);
    f.weight("s1/bias", 3);
    PreparedModel m =
        ImportedModels.importAndLoad(f.write(tmp.resolve("tfjs"), null), tmp.resolve("conv/1"));
    float[] x = input(2, 9 * 9 * 3, -1, 1);
    Nhwc in = Nhwc.of(9, 9, 3, x);

    assertClose(
        "c1",
        in.conv(f.values("c1/kernel"), 3, 3, 4, 2, 1, false, false)
            .perChannel(null, f.values("c1/bias"))
            .map(v -> Math.max(v, 0))
            .v(),
        ImportedModels.run(m, "c1", x, 1, 9, 9, 3));
    assertClose(
        "c2",
        in.conv(f.values("c2/kernel"), 3, 3, 3, 1, 2, true, false).v(),
        ImportedModels.run(m, "c2", x, 1, 9, 9, 3));
    assertClose(
        "c3",
        in.conv(f.values("c3/kernel"), 1, 3, 2, 2, 1, true, false)
            .perChannel(null, f.values("c3/bias"))
            .map(v -> 1 / (1 + Math.exp(-v)))
            .v(),
        ImportedModels.run(m, "c3", x, 1, 9, 9, 3));
    assertClose(
        "d1",
        in.conv(f.values("d1/depthwise_kernel"), 3, 3, 2, 2, 1, true, true)
            .perChannel(null, f.values("d1/bias"))
            .v(),
        ImportedModels.run(m, "d1", x, 1, 9, 9, 3));
    assertClose(
        "s1",
        in.conv(f.values("s1/depthwise_kernel"), 3, 3, 1, 1, 1, false, true)
            .conv(f.values("s1/pointwise_kernel"), 1, 1, 3, 1, 1, false, false)
            .perChannel(null, f.values("s1/bias"))
            .map(v -> Math.max(v, 0))
            .v(),
        ImportedModels.run(m, "s1", x, 1, 9, 9, 3));
  }

  @Test
  void normalizationActivationsMergesPoolingAndDenseMatchTheKerasFormulas() throws Exception {
    TfjsFixture f = TfjsFixture.functional(3, 6, 6, 4);
    f.layer(
        "BatchNormalization",
        "bn1",
        cfg("axis", 3, "epsilon", 1e-3, "center", true, "scale", false),
        "input_1");
    f.layer(
        "BatchNormalization",
        "bn2",
        cfg("axis", -1, "epsilon", 1e-2, "center", true, "scale", true),
        "input_1");
    f.layer("ReLU", "r6", cfg("max_value", 6, "negative_slope", 0, "threshold", 0), "bn1");
    f.layer("ReLU", "rl", cfg("max_value", 2.5, "negative_slope", 0.1, "threshold", 0), "bn2");
    f.layer("Activation", "act", cfg("activation", "tanh"), "input_1");
    f.layer("Add", "add", cfg(), "r6", "rl");
    f.layer("Concatenate", "cat", cfg("axis", -1), "add", "act");
    f.layer(
        "MaxPooling2D",
        "mp",
        cfg("pool_size", List.of(3, 3), "strides", List.of(2, 2), "padding", "same"),
        "cat");
    f.layer(
        "AveragePooling2D",
        "ap",
        cfg("pool_size", List.of(3, 3), "strides", List.of(1, 1), "padding", "same"),
        "cat");
    f.layer(
        "AveragePooling2D",
        "ap2",
        cfg("pool_size", List.of(2, 2), "strides", null, "padding", "valid"),
        "cat");
    f.layer(
        "ZeroPadding2D", "zp", cfg("padding", List.of(List.of(1, 0), List.of(2, 1))), "input_1");
    f.layer("GlobalAveragePooling2D", "gap", cfg(), "ap");
    f.layer("Flatten", "fl", cfg(), "ap2");
    f.layer("Dropout", "dr", cfg("rate", 0.5), "fl");
    f.layer("Dense", "de", cfg("units", 5, "activation", "softmax", "use_bias", true), "dr");
    f.layer("Reshape", "rs", cfg("target_shape", List.of(6, 3, 4)), "fl");
    f.outputs("de", "gap", "zp", "mp", "rs");
    f.weight("bn1/beta", 4);
    f.weight("bn1/moving_mean", 4);
    f.weight("bn1/moving_variance", new long[] {4}, 0.1, 2);
    f.weight("bn2/gamma", 4);
    f.weight("bn2/beta", 4);
    f.weight("bn2/moving_mean", 4);
    f.weight("bn2/moving_variance", new long[] {4}, 0.1, 2);
    f.weight("de/kernel", 72, 5);
    f.weight("de/bias", 5);
    PreparedModel m =
        ImportedModels.importAndLoad(f.write(tmp.resolve("tfjs"), null), tmp.resolve("misc/1"));
    float[] x = input(4, 6 * 6 * 4, -10, 10);
    Nhwc in = Nhwc.of(6, 6, 4, x);
    long[] shape = {1, 6, 6, 4};

    Nhwc bn1 =
        batchNorm(
            in,
            null,
            f.values("bn1/beta"),
            f.values("bn1/moving_mean"),
            f.values("bn1/moving_variance"),
            1e-3);
    Nhwc bn2 =
        batchNorm(
            in,
            f.values("bn2/gamma"),
            f.values("bn2/beta"),
            f.values("bn2/moving_mean"),
            f.values("bn2/moving_variance"),
            1e-2);
    Nhwc r6 = bn1.map(v -> Math.min(Math.max(v, 0), 6));
    Nhwc rl = bn2.map(v -> Math.min(v < 0 ? 0.1 * v : v, 2.5));
    Nhwc cat = r6.plus(rl).concat(in.map(Math::tanh));
    Nhwc ap2 = cat.pool(2, 2, false, false);
    assertClose("bn1", bn1.v(), ImportedModels.run(m, "bn1", x, shape));
    assertClose("r6", r6.v(), ImportedModels.run(m, "r6", x, shape));
    assertClose("rl", rl.v(), ImportedModels.run(m, "rl", x, shape));
    assertClose("cat", cat.v(), ImportedModels.run(m, "cat", x, shape));
    assertClose("mp", cat.pool(3, 2, true, true).v(), ImportedModels.run(m, "mp", x, shape));
    assertClose(
        "gap",
        cat.pool(3, 1, true, false).globalAverage().v(),
        ImportedModels.run(m, "gap", x, shape));
    assertClose("zp", in.zeroPad(1, 0, 2, 1).v(), ImportedModels.run(m, "zp", x, shape));
    assertClose("rs", ap2.v(), ImportedModels.run(m, "rs", x, shape));
    assertClose(
        "de",
        ap2.dense(f.values("de/kernel"), f.values("de/bias"), 5).softmax().v(),
        ImportedModels.run(m, "de", x, shape));
    assertEquals(
        List.of(-1L, 6L, 3L, 4L),
        java.util.Arrays.stream(m.layers().get("rs").shape()).boxed().toList());
  }

  private static Nhwc batchNorm(
      Nhwc x, float[] gamma, float[] beta, float[] mean, float[] variance, double eps) {
    double[] out = x.v().clone();
    for (int i = 0; i < out.length; i++) {
      int c = i % x.c();
      out[i] =
          (out[i] - mean[c]) / Math.sqrt(variance[c] + eps) * (gamma == null ? 1 : gamma[c])
              + beta[c];
    }
    return new Nhwc(x.h(), x.w(), x.c(), out);
  }

  /** Teachable Machine's shape: a Sequential holding a functional trunk and a Sequential head. */
  @Test
  void nestedModelsAreFlattenedUnderTheirNames() throws Exception {
    TfjsFixture trunk = TfjsFixture.functional(5, 8, 8, 3);
    trunk.layer(
        "Conv2D",
        "conv",
        conv(4, 3, 3, 2, "same").with("use_bias", true).with("activation", "relu").node(),
        "input_1");
    trunk.layer("GlobalAveragePooling2D", "pool", cfg(), "conv");
    trunk.outputs("pool");
    trunk.weight("conv/kernel", 3, 3, 3, 4);
    trunk.weight("conv/bias", 4);
    TfjsFixture head = TfjsFixture.sequential(6);
    head.layer(
        "Dense",
        "dense_a",
        cfg(
            "units",
            3,
            "activation",
            "relu",
            "use_bias",
            true,
            "batch_input_shape",
            new Object[] {null, 4}));
    head.layer("Dense", "dense_b", cfg("units", 2, "activation", "softmax", "use_bias", false));
    // TF.js names a nested layer's weights with or without the outer model; both are accepted.
    head.weight("head/dense_a/kernel", 4, 3);
    head.weight("dense_a/bias", 3);
    head.weight("dense_b/kernel", 3, 2);
    TfjsFixture outer = TfjsFixture.sequential(7);
    outer.nested(trunk, "trunk");
    outer.nested(head, "head");
    PreparedModel m =
        ImportedModels.importAndLoad(
            outer.write(tmp.resolve("tfjs"), "uint8"), tmp.resolve("tm/1"));
    float[] x = input(8, 8 * 8 * 3, 0, 1);

    Nhwc hidden =
        Nhwc.of(8, 8, 3, x)
            .conv(trunk.values("conv/kernel"), 3, 3, 4, 2, 1, true, false)
            .perChannel(null, trunk.values("conv/bias"))
            .map(v -> Math.max(v, 0))
            .globalAverage();
    Nhwc probabilities =
        hidden
            .dense(head.values("head/dense_a/kernel"), head.values("dense_a/bias"), 3)
            .map(v -> Math.max(v, 0))
            .dense(head.values("dense_b/kernel"), null, 2)
            .softmax();
    assertClose(
        "head/dense_b", probabilities.v(), ImportedModels.run(m, "head/dense_b", x, 1, 8, 8, 3));
    assertTrue(m.layers().contains("trunk/conv"), "layers: " + m.layers().all());
    assertEquals("input_1", m.input().node());
  }

  @ParameterizedTest
  @ValueSource(strings = {"uint8", "uint16", "float16"})
  void quantizedWeightsAreDequantizedAsTfjsDoes(String quantization) throws Exception {
    TfjsFixture f = TfjsFixture.functional(9, 4, 4, 2);
    f.layer(
        "Conv2D",
        "conv",
        conv(3, 2, 2, 1, "valid").with("use_bias", true).with("activation", "linear").node(),
        "input_1");
    f.layer("Flatten", "flat", cfg(), "conv");
    f.layer("Dense", "dense", cfg("units", 2, "activation", "linear", "use_bias", true), "flat");
    f.outputs("dense");
    f.weight("conv/kernel", new long[] {2, 2, 2, 3}, -0.5, 0.5);
    f.weight("conv/bias", 3);
    f.weight("dense/kernel", 27, 2);
    f.weight("dense/bias", 2);
    Path dir = f.write(tmp.resolve("tfjs"), quantization);

    WeightStore store = LayersModel.read(dir).weights();
    for (String name : List.of("conv/kernel", "conv/bias", "dense/kernel", "dense/bias")) {
      String[] parts = name.split("/");
      assertArrayEquals(
          f.values(name), store.get(List.of(parts[0]), parts[1], parts[0], "test").values(), name);
    }
    PreparedModel m = ImportedModels.importAndLoad(dir, tmp.resolve("q/1"));
    float[] x = input(10, 32, -1, 1);
    double[] expected =
        Nhwc.of(4, 4, 2, x)
            .conv(f.values("conv/kernel"), 2, 2, 3, 1, 1, false, false)
            .perChannel(null, f.values("conv/bias"))
            .dense(f.values("dense/kernel"), f.values("dense/bias"), 2)
            .v();
    assertClose("dense", expected, ImportedModels.run(m, "dense", x, 1, 4, 4, 2));
  }

  @Test
  void anUnsupportedLayerIsNamedWithItsClass() throws Exception {
    TfjsFixture f = TfjsFixture.functional(11, 4, 4, 2);
    f.layer("Conv3D", "volume_1", cfg("filters", 2), "input_1");
    f.outputs("volume_1");
    Path dir = f.write(tmp.resolve("tfjs"), null);
    UnsupportedLayerException e =
        assertThrows(
            UnsupportedLayerException.class,
            () -> TfjsImporter.importModel(dir, tmp.resolve("bad/1")));
    assertEquals("volume_1", e.layer());
    assertEquals("Conv3D", e.className());
    assertTrue(e.getMessage().contains("'volume_1' (Conv3D)"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("bad/1")), "nothing is left behind");

    TfjsFixture g = TfjsFixture.functional(12, 4, 4, 2);
    g.layer("Activation", "act_1", cfg("activation", "gelu"), "input_1");
    g.outputs("act_1");
    Path dir2 = g.write(tmp.resolve("tfjs2"), null);
    UnsupportedLayerException e2 =
        assertThrows(
            UnsupportedLayerException.class,
            () -> TfjsImporter.importModel(dir2, tmp.resolve("bad2/1")));
    assertTrue(
        e2.getMessage().contains("'act_1' (Activation)") && e2.getMessage().contains("gelu"),
        e2.getMessage());
  }

  @Test
  void aVersionFolderWithModelJsonIsImportedInPlaceAndLoadsFromTheRepository() throws Exception {
    TfjsFixture f = TfjsFixture.functional(13, 5, 5, 3);
    f.layer(
        "Conv2D",
        "conv",
        conv(2, 3, 3, 1, "same").with("use_bias", false).with("activation", "relu").node(),
        "input_1");
    f.outputs("conv");
    f.weight("conv/kernel", 3, 3, 3, 2);
    Path version = f.write(tmp.resolve("repo/teachable/1"), null);

    ModelRepository repository =
        new ModelRepository(tmp.resolve("repo"), List.of(new TfjsImporter()));
    ModelRepository.Import pending =
        repository.resolve("teachable", OptionalLong.empty()).pendingImport().orElseThrow();
    assertEquals(version, pending.source());
    pending.run(version);
    assertTrue(
        repository.resolve("teachable", OptionalLong.empty()).pendingImport().isEmpty(),
        "a second look finds the SavedModel");
    JsonNode meta = TfjsFixture.JSON.readTree(version.resolve(TfjsImporter.METADATA).toFile());
    assertEquals("[0.0,1.0]", meta.get("valueRange").toString());
    assertEquals("RGB", meta.get("channelOrder").asText());
    assertEquals("[5,5]", meta.get("inputSize").toString());
    assertTrue(Files.exists(version.resolve("model.json")), "the TF.js files stay");

    PreparedModel m = new ModelRegistry(repository).get("teachable", OptionalLong.empty());
    assertEquals(
        List.of(-1L, 5L, 5L, 3L), java.util.Arrays.stream(m.input().shape()).boxed().toList());
    float[] x = input(14, 75, 0, 1);
    assertClose(
        "conv",
        Nhwc.of(5, 5, 3, x)
            .conv(f.values("conv/kernel"), 3, 3, 2, 1, 1, true, false)
            .map(v -> Math.max(v, 0))
            .v(),
        ImportedModels.run(m, "conv", x, 1, 5, 5, 3));
  }

  /**
   * Placed as it is, with no import call: the repository imports it when the model is first loaded.
   */
  @Test
  void aModelJsonFolderInTheRepositoryIsImportedWhenTheRegistryLoadsIt() throws Exception {
    TfjsFixture f = TfjsFixture.functional(15, 6, 6, 3);
    f.layer(
        "Conv2D",
        "conv",
        conv(4, 3, 3, 1, "same").with("use_bias", false).with("activation", "relu").node(),
        "input_1");
    f.outputs("conv");
    f.weight("conv/kernel", 3, 3, 3, 4);
    Path version = f.write(tmp.resolve("placed/web/1"), null);
    assertFalse(Files.exists(version.resolve("saved_model.pb")));
    PreparedModel m =
        new ModelRegistry(new ModelRepository(tmp.resolve("placed"), List.of(new TfjsImporter())))
            .get("web", OptionalLong.empty());
    assertEquals(4, m.layers().get("conv").channels());
    assertTrue(Files.exists(version.resolve("saved_model.pb")));
  }

  @Test
  void aTfjsLayersFolderIsAVersionAndABrokenOneIsRefusedWithTheReason() throws Exception {
    Files.createDirectories(tmp.resolve("root").resolve("web").resolve("3"));
    Files.writeString(tmp.resolve("root").resolve("web").resolve("3").resolve("model.json"), "{}");
    ModelRepository repo = new ModelRepository(tmp.resolve("root"), List.of(new TfjsImporter()));
    assertTrue(
        repo.resolve("web", OptionalLong.empty()).pendingImport().orElseThrow().importer()
            instanceof TfjsImporter);
    try (ModelRegistry registry = new ModelRegistry(repo)) {
      ModelException e =
          assertThrows(ModelException.class, () -> registry.get("web", OptionalLong.empty()));
      assertTrue(e.getMessage().contains("model.json"), e.getMessage());
    }
  }

  @Test
  void aModelWithNoVersionNamesTheTfjsFile() throws Exception {
    Files.createDirectories(tmp.resolve("root").resolve("empty").resolve("1"));
    ModelRepository repo = new ModelRepository(tmp.resolve("root"), List.of(new TfjsImporter()));
    ModelException e =
        assertThrows(
            ModelException.NotFound.class, () -> repo.resolve("empty", OptionalLong.empty()));
    assertEquals(
        "model 'empty' has no version folder with a saved_model.pb (or a TF.js model.json)",
        e.getMessage());
  }

  @Test
  void aMissingWeightIsReportedWithTheLayer() throws Exception {
    TfjsFixture f = TfjsFixture.functional(15, 4, 4, 2);
    f.layer("Conv2D", "conv", conv(2, 3, 3, 1, "same").with("use_bias", true).node(), "input_1");
    f.outputs("conv");
    f.weight("conv/kernel", 3, 3, 2, 2);
    Path dir = f.write(tmp.resolve("tfjs"), null);
    MalformedModelException e =
        assertThrows(
            MalformedModelException.class, () -> TfjsImporter.importModel(dir, tmp.resolve("m/1")));
    assertTrue(e.getMessage().contains("'conv/bias'"), e.getMessage());
  }
}
