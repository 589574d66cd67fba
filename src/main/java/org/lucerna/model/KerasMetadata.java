package org.lucerna.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Keras layers listed by a TF2 SavedModel's {@code keras_metadata.pb}. The file is a {@code
 * SavedMetadata} proto (repeated {@code SavedObject nodes = 1}, each with {@code identifier = 4}
 * and a JSON {@code metadata = 5} holding {@code name} and {@code class_name}). TensorFlow Java
 * carries no generated class for it, so the two fields are read off the wire format directly.
 */
final class KerasMetadata {
  static final String FILE = "keras_metadata.pb";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A Keras layer: its name ({@code conv2d_1}) and class ({@code Conv2D}). */
  record KerasLayer(String name, String className) {}

  private KerasMetadata() {}

  /**
   * The layers of the SavedModel in {@code dir}, in file order; empty when it has no metadata file.
   */
  static List<KerasLayer> read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return parse(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ModelException.Unusable(
          file + " is not a Keras metadata file: " + e.getMessage(), e);
    }
  }

  static List<KerasLayer> parse(byte[] bytes) throws IOException {
    List<KerasLayer> layers = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == 1
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        KerasLayer layer = savedObject(in.readBytes().toByteArray());
        if (layer != null) {
          layers.add(layer);
        }
      } else {
        in.skipField(tag);
      }
    }
    return layers;
  }

  private static KerasLayer savedObject(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String identifier = "";
    String metadata = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 4 -> identifier = in.readString();
        case 5 -> metadata = in.readString();
        default -> in.skipField(tag);
      }
    }
    // Layers and the model itself; metrics and the like are objects of the file too.
    if (metadata == null
        || !(identifier.endsWith("_layer")
            || identifier.endsWith("_model")
            || identifier.endsWith("_network")
            || identifier.endsWith("_sequential"))) {
      return null;
    }
    JsonNode json = JSON.readTree(metadata);
    String name = json.path("name").asText("");
    return name.isEmpty() ? null : new KerasLayer(name, json.path("class_name").asText(""));
  }
}
