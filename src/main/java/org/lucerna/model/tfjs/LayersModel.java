package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed TF.js layers model: the Keras model configuration and the manifest of its weight shards.
 *
 * @param dir the folder of {@code model.json}; shard paths are relative to it
 * @param modelConfig the Keras model, {@code {"class_name": "Model"|"Functional"|"Sequential",
 *     "config": ...}}
 * @param manifest the weight groups in file order
 */
public record LayersModel(Path dir, JsonNode modelConfig, List<WeightGroup> manifest) {
  public static final String FILE = "model.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public LayersModel {
    manifest = List.copyOf(manifest);
  }

  /** One group of weights stored back to back across the group's shard files. */
  public record WeightGroup(List<String> paths, List<WeightSpec> weights) {
    public WeightGroup {
      paths = List.copyOf(paths);
      weights = List.copyOf(weights);
    }
  }

  /** A weight tensor; {@code quantization} is null when it is stored as plain {@code dtype}. */
  public record WeightSpec(String name, long[] shape, String dtype, Quantization quantization) {
    public long size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** TF.js affine quantization: {@code value = q * scale + min}, q stored as {@code dtype}. */
  public record Quantization(String dtype, double min, double scale) {}

  public static LayersModel read(Path dir) {
    Path file = dir.resolve(FILE);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new MalformedModelException("cannot read " + file + " as JSON: " + e.getMessage(), e);
    }
    return parse(dir, root);
  }

  static LayersModel parse(Path dir, JsonNode root) {
    String format = root.path("format").asText("layers-model");
    if (!format.equals("layers-model")) {
      throw new MalformedModelException(
          dir.resolve(FILE)
              + " is a TF.js '"
              + format
              + "', not a layers"
              + " model; this importer reads Keras layers models (format 'layers-model'),"
              + " GraphModelImporter reads graph models");
    }
    JsonNode topology = root.path("modelTopology");
    // tfjs-converter nests the model under model_config; tf.LayersModel.save() writes it directly.
    JsonNode model = topology.has("model_config") ? topology.get("model_config") : topology;
    if (!model.has("class_name") || !model.has("config")) {
      throw new MalformedModelException(
          dir.resolve(FILE)
              + " has no modelTopology with a Keras model"
              + " (class_name and config)");
    }
    return new LayersModel(dir, model, manifest(root.path("weightsManifest")));
  }

  /** The weight groups of a {@code weightsManifest} (layers and graph models write it alike). */
  static List<WeightGroup> manifest(JsonNode weightsManifest) {
    List<WeightGroup> groups = new ArrayList<>();
    for (JsonNode g : weightsManifest) {
      List<String> paths = new ArrayList<>();
      g.path("paths").forEach(p -> paths.add(p.asText()));
      List<WeightSpec> weights = new ArrayList<>();
      for (JsonNode w : g.path("weights")) {
        long[] shape = new long[w.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = w.path("shape").get(i).asLong();
        }
        JsonNode q = w.get("quantization");
        Quantization quantization =
            q == null || q.isNull()
                ? null
                : new Quantization(
                    q.path("dtype").asText(), q.path("min").asDouble(), q.path("scale").asDouble());
        weights.add(
            new WeightSpec(
                w.path("name").asText(), shape, w.path("dtype").asText("float32"), quantization));
      }
      groups.add(new WeightGroup(paths, weights));
    }
    return groups;
  }

  /** Reads and dequantizes every weight, by manifest name. */
  public WeightStore weights() {
    return WeightStore.read(this);
  }

  /**
   * The {@code format} of {@code dir}'s model.json ({@code layers-model} when it says none), read
   * without parsing the rest of the file; null when it cannot be read.
   */
  static String format(Path dir) {
    try (com.fasterxml.jackson.core.JsonParser p =
        JSON.getFactory().createParser(dir.resolve(FILE).toFile())) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String field = p.currentName();
        com.fasterxml.jackson.core.JsonToken value = p.nextToken();
        if (field.equals("format") && value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
      return "layers-model";
    } catch (IOException e) {
      return null;
    }
  }

  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }
}
