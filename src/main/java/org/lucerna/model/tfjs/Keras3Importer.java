package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.lucerna.model.ModelImporter;

/**
 * Imports a Keras 3 {@code .keras} file ({@code model.save("m.keras")}): a zip of {@code
 * config.json} (the Keras configuration, in Keras 3's {@code module}/{@code class_name}/{@code
 * config}/{@code registered_name} notation, which {@link KerasGraphBuilder} reads), {@code
 * model.weights.h5} and {@code metadata.json}.
 *
 * <p>Keras 3 does not store weights under the layers' names: each layer's variables are {@code
 * layers/<path>/vars/0..n} in the order the layer created them, and {@code <path>} is made from the
 * class name and the layer's position among the layers of that class in its model ({@code conv2d},
 * {@code conv2d_1}; a nested model's layers under {@code layers/sequential/layers/...}), because
 * Keras' own names are not reproducible across runs. So the weights are matched by walking the
 * configuration the way Keras walks the model when it saves.
 *
 * <p>A version folder with one {@code .keras} file and no {@code saved_model.pb} is imported in
 * place; a {@code lucerna-model.json} beside the file is kept.
 */
@Singleton
public final class Keras3Importer implements ModelImporter {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CONFIG = "config.json";
  static final String WEIGHTS = "model.weights.h5";
  private static final java.util.Set<String> MODELS =
      java.util.Set.of("Model", "Functional", "Sequential");

  @Override
  public String reads() {
    return "Keras 3 .keras file";
  }

  @Override
  public Optional<Path> find(Path versionDir) {
    if (!Files.isDirectory(versionDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(versionDir)) {
      List<Path> keras =
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".keras"))
              .toList();
      return keras.size() == 1 ? Optional.of(keras.get(0)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void importInto(Path source, Path versionDir) {
    importFile(source, versionDir);
  }

  /** Imports the {@code .keras} file {@code keras} into {@code versionDir} (may be its folder). */
  public static TfjsImporter.Imported importFile(Path keras, Path versionDir) {
    JsonNode config;
    WeightStore weights;
    Path parent = versionDir.toAbsolutePath().getParent();
    try (ZipFile zip = new ZipFile(keras.toFile())) {
      ZipEntry configEntry = zip.getEntry(CONFIG);
      ZipEntry weightsEntry = zip.getEntry(WEIGHTS);
      if (configEntry == null || weightsEntry == null) {
        throw new MalformedModelException(
            keras.getFileName()
                + " is a zip without "
                + (configEntry == null ? CONFIG : WEIGHTS)
                + "; a Keras 3 .keras file holds config.json and model.weights.h5");
      }
      try (InputStream in = zip.getInputStream(configEntry)) {
        config = JSON.readTree(in);
      }
      // jhdf reads a file (memory-mapped) rather than a stream: unpack the weights beside the
      // version, not into memory, and delete them once read.
      Files.createDirectories(parent);
      Path h5 = Files.createTempFile(parent, ".keras-weights-", ".h5");
      try {
        try (InputStream in = zip.getInputStream(weightsEntry)) {
          Files.copy(in, h5, StandardCopyOption.REPLACE_EXISTING);
        }
        try (HdfFile file = new HdfFile(h5)) {
          Map<String, WeightStore.Weight> byName = new LinkedHashMap<>();
          collect(file, config, "", List.of(), byName, keras);
          weights = new WeightStore(byName);
        }
      } finally {
        Files.deleteIfExists(h5);
      }
    } catch (java.util.zip.ZipException e) {
      throw new MalformedModelException(
          keras.getFileName() + " is not a zip (a Keras 3 .keras file is one): " + e.getMessage());
    } catch (IOException e) {
      throw new MalformedModelException(
          "cannot read " + keras.getFileName() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof MalformedModelException || e instanceof UnsupportedLayerException) {
        throw e;
      }
      throw new MalformedModelException(
          keras.getFileName() + " is not a Keras 3 file that can be read: " + e);
    }
    return TfjsImporter.importKeras(
        config, weights, keras.toString(), keras.toAbsolutePath().getParent(), versionDir, null);
  }

  /**
   * The weights of the model {@code model} stored at {@code h5Path} in the file, keyed by {@code
   * <config names of the enclosing models and the layer>/<param>} as the builder asks for them.
   */
  private static void collect(
      HdfFile file,
      JsonNode model,
      String h5Path,
      List<String> scope,
      Map<String, WeightStore.Weight> out,
      Path keras) {
    JsonNode config = model.path("config");
    JsonNode layers = config.isArray() ? config : config.path("layers");
    // Keras names each saved layer by its class, numbered within its model (saving_lib's
    // container walk); a Sequential's InputLayer is not among its layers, and has no variables.
    Map<String, Integer> used = new HashMap<>();
    for (JsonNode layer : layers) {
      String cls = layer.path("class_name").asText();
      if (cls.equals("InputLayer") && model.path("class_name").asText().equals("Sequential")) {
        continue;
      }
      String base = snakeCase(cls);
      Integer n = used.get(base);
      used.put(base, n == null ? 0 : n + 1);
      String stored = n == null ? base : base + "_" + (n + 1);
      String path = h5Path + "layers/" + stored + "/";
      String name = layer.path("config").path("name").asText(layer.path("name").asText());
      List<String> inner = new ArrayList<>(scope);
      inner.add(name);
      if (MODELS.contains(cls)) {
        collect(file, layer, path, inner, out, keras);
        continue;
      }
      List<Dataset> vars = vars(file, path);
      List<String> params = params(cls, layer.path("config"), vars.size());
      if (params.size() != vars.size()) {
        throw new MalformedModelException(
            "layer '"
                + name
                + "' ("
                + cls
                + ") has "
                + vars.size()
                + " variables at "
                + path
                + "vars in "
                + keras.getFileName()
                + "; its configuration needs "
                + params);
      }
      String prefix = String.join("/", inner) + "/";
      for (int i = 0; i < vars.size(); i++) {
        out.put(
            prefix + params.get(i),
            KerasH5Importer.weight(vars.get(i), prefix + params.get(i), keras));
      }
    }
  }

  /** {@code <path>vars/0}, {@code 1}, ... in order; none when the layer has no variables. */
  private static List<Dataset> vars(HdfFile file, String path) {
    List<Dataset> vars = new ArrayList<>();
    Node group;
    try {
      group = file.getByPath(path + "vars");
    } catch (RuntimeException e) {
      return vars; // no group: a layer saved without variables
    }
    if (!(group instanceof Group g)) {
      return vars;
    }
    for (int i = 0; ; i++) {
      Node v = g.getChild(Integer.toString(i));
      if (!(v instanceof Dataset d)) {
        return vars;
      }
      vars.add(d);
    }
  }

  /**
   * The names the builder knows a layer's variables by, in the order Keras 3 creates them
   * (trainable first, then non-trainable).
   */
  private static List<String> params(String cls, JsonNode c, int count) {
    boolean bias = c.path("use_bias").asBoolean(true);
    List<String> p = new ArrayList<>();
    switch (cls) {
      case "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Dense" -> {
        p.add("kernel");
        if (bias) {
          p.add("bias");
        }
      }
      case "DepthwiseConv2D" -> { // Keras 3 calls it kernel; Keras 2 and TF.js depthwise_kernel
        p.add("depthwise_kernel");
        if (bias) {
          p.add("bias");
        }
      }
      case "SeparableConv2D" -> {
        p.add("depthwise_kernel");
        p.add("pointwise_kernel");
        if (bias) {
          p.add("bias");
        }
      }
      case "BatchNormalization" -> {
        if (c.path("scale").asBoolean(true)) {
          p.add("gamma");
        }
        if (c.path("center").asBoolean(true)) {
          p.add("beta");
        }
        p.add("moving_mean");
        p.add("moving_variance");
      }
      case "Normalization" -> {
        if (count > 0) {
          p.add("mean");
          p.add("variance");
          p.add("count");
        }
      }
      default -> {
        // A layer the builder does not know says so itself; one with state it ignores (a random
        // layer's seed) keeps its variables unnamed here.
        for (int i = 0; i < count; i++) {
          p.add("var" + i);
        }
      }
    }
    return p;
  }

  /** Keras' naming.to_snake_case: {@code MaxPooling2D} to {@code max_pooling2d}. */
  static String snakeCase(String className) {
    String s = className.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
