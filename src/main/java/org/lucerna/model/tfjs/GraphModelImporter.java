package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.lucerna.model.ModelImporter;
import org.lucerna.model.ModelOps;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.VersionDef;

/**
 * Imports a TF.js graph model ({@code model.json} with {@code "format": "graph-model"}: a frozen
 * GraphDef in protobuf JSON, its constants' values in the weight shards, float32 or quantized to
 * uint8, uint16 or float16) into a SavedModel: the constants get their dequantized values, the
 * converter's fused ops become the plain ops they stand for ({@link FusedOps}), every op is checked
 * against {@link ModelOps}' list of ops that compute before TensorFlow sees the graph, and the
 * graph is written with a {@code serving_default} signature from the model's own signature.
 *
 * <p>Node names lose the {@code StatefulPartitionedCall/} segments that TF2's function calls left
 * in them ({@code StatefulPartitionedCall/model_1/block1_conv2_act/Relu} becomes {@code
 * model_1/block1_conv2_act/Relu}, layer {@code model_1/block1_conv2_act}, short name {@code
 * block1_conv2_act}), unless that would make two names one.
 */
@Singleton
public final class GraphModelImporter implements ModelImporter {
  static final String FORMAT = "graph-model";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CALL_SEGMENTS =
      Set.of("StatefulPartitionedCall", "PartitionedCall");

  @Override
  public String reads() {
    return "TF.js graph model.json";
  }

  @Override
  public Optional<Path> find(Path versionDir) {
    return LayersModel.exists(versionDir) && FORMAT.equals(LayersModel.format(versionDir))
        ? Optional.of(versionDir)
        : Optional.empty();
  }

  @Override
  public void importInto(Path source, Path versionDir) {
    importModel(source, versionDir);
  }

  /** Imports the graph model of {@code modelJsonDir} into {@code versionDir} (may be the same). */
  public static TfjsImporter.Imported importModel(Path modelJsonDir, Path versionDir) {
    Path file = modelJsonDir.resolve(LayersModel.FILE);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new MalformedModelException("cannot read " + file + " as JSON: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new MalformedModelException(file + " is not a TF.js graph model (format graph-model)");
    }
    Converted converted = convert(root, modelJsonDir);
    return TfjsImporter.stage(
        modelJsonDir, versionDir, null, out -> write(converted, file.toString(), out));
  }

  /** The rewritten graph, its input node and its outputs ({@code node:index}) by signature key. */
  record Converted(
      GraphDef graph, String input, long[] inputShape, Map<String, String> outputs, long params) {}

  static Converted convert(JsonNode root, Path dir) {
    JsonNode topology = root.path("modelTopology");
    if (topology.path("library").path("function").size() > 0) {
      throw new MalformedModelException(
          "the graph model in "
              + dir
              + " has a function library (control flow); only flat graphs are imported");
    }
    Map<String, TensorProto> values = new HashMap<>();
    long params = weights(root.path("weightsManifest"), dir, values);

    List<NodeDef> nodes = new ArrayList<>();
    for (JsonNode n : topology.path("node")) {
      NodeDef node = GraphDefJson.node(n);
      TensorProto value = values.remove(node.getName());
      if (value != null) {
        if (!node.getOp().equals("Const")) {
          throw new MalformedModelException(
              "the weightsManifest gives a value to '" + node.getName() + "', a " + node.getOp());
        }
        node =
            node.toBuilder()
                .putAttr("value", AttrValue.newBuilder().setTensor(value).build())
                .putAttr("dtype", AttrValue.newBuilder().setType(value.getDtype()).build())
                .build();
      }
      nodes.add(node);
    }
    nodes = FusedOps.rewrite(nodes);
    Map<String, String> renamed = renames(nodes);
    nodes = nodes.stream().map(n -> rename(n, renamed)).toList();

    Set<String> refused = new TreeSet<>();
    for (NodeDef n : nodes) {
      if (!ModelOps.computes(n.getOp())) {
        refused.add(n.getOp() + " (" + n.getName() + ")");
      }
    }
    if (!refused.isEmpty()) {
      throw new MalformedModelException(
          "the graph model in "
              + dir
              + " holds ops that are not on the list of ops that compute: "
              + String.join(", ", refused.stream().limit(8).toList())
              + (refused.size() > 8 ? ", ..." : ""));
    }

    JsonNode signature =
        root.has("signature")
            ? root.get("signature")
            : root.path("userDefinedMetadata").path("signature");
    String input = input(nodes, signature, renamed, dir);
    NodeDef placeholder = nodes.stream().filter(n -> n.getName().equals(input)).findFirst().get();
    long[] shape = {-1, -1, -1, -1};
    TensorShapeProto s =
        placeholder.getAttrOrDefault("shape", AttrValue.getDefaultInstance()).getShape();
    if (s.getDimCount() == 4) {
      for (int i = 1; i < 4; i++) {
        shape[i] = s.getDim(i).getSize();
      }
    } else if (s.getDimCount() != 0) {
      throw new UnsupportedLayerException(
          input,
          "Placeholder",
          "its shape "
              + s.getDimList().stream().map(d -> d.getSize()).toList()
              + " is not an image batch [batch, height, width, channels]");
    }
    Map<String, String> outputs = outputs(nodes, signature, renamed, input);
    GraphDef.Builder graph = GraphDef.newBuilder().addAllNode(nodes);
    if (topology.path("versions").has("producer")) {
      graph.setVersions(
          VersionDef.newBuilder().setProducer(topology.path("versions").path("producer").asInt()));
    }
    return new Converted(graph.build(), input, shape, outputs, params);
  }

  /** Decodes each weight into the tensor its Const holds; returns the count of float values. */
  private static long weights(JsonNode manifest, Path dir, Map<String, TensorProto> values) {
    long params = 0;
    for (LayersModel.WeightGroup group : LayersModel.manifest(manifest)) {
      ByteBuffer data = WeightStore.concatenate(dir, group.paths());
      for (LayersModel.WeightSpec spec : group.weights()) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : spec.shape()) {
          shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        TensorProto.Builder t = TensorProto.newBuilder().setTensorShape(shape);
        int n = Math.toIntExact(spec.size());
        switch (spec.dtype()) {
          case "float32" -> {
            float[] v = WeightStore.decode(spec, data, dir);
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            t.setDtype(DataType.DT_FLOAT).setTensorContent(ByteString.copyFrom(b.array()));
            params += v.length;
          }
          case "int32", "bool" -> {
            if (spec.quantization() != null) {
              throw new MalformedModelException(
                  "weight '"
                      + spec.name()
                      + "' is a quantized "
                      + spec.dtype()
                      + "; not supported");
            }
            int width = spec.dtype().equals("int32") ? 4 : 1;
            if (data.remaining() < (long) n * width) {
              throw new MalformedModelException(
                  "the shards in " + dir + " end inside weight '" + spec.name() + "'");
            }
            byte[] raw = new byte[n * width];
            data.get(raw);
            t.setDtype(width == 4 ? DataType.DT_INT32 : DataType.DT_BOOL)
                .setTensorContent(ByteString.copyFrom(raw));
          }
          default ->
              throw new MalformedModelException(
                  "weight '"
                      + spec.name()
                      + "' has dtype "
                      + spec.dtype()
                      + "; graph model weights can be float32, int32 or bool");
        }
        values.put(spec.name(), t.build());
      }
      if (data.hasRemaining()) {
        throw new MalformedModelException(
            "the shards "
                + group.paths()
                + " in "
                + dir
                + " hold "
                + data.remaining()
                + " bytes more than the manifest's weights; the manifest and shards do not match");
      }
    }
    return params;
  }

  /** New names without the function-call segments, or none when two would become one. */
  private static Map<String, String> renames(List<NodeDef> nodes) {
    Map<String, String> renamed = new HashMap<>();
    Set<String> taken = new HashSet<>();
    for (NodeDef n : nodes) {
      String[] parts = n.getName().split("/");
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < parts.length; i++) {
        if (i == parts.length - 1 || !CALL_SEGMENTS.contains(parts[i])) {
          kept.add(parts[i]);
        }
      }
      String name = String.join("/", kept);
      if (!taken.add(name)) {
        return Map.of();
      }
      renamed.put(n.getName(), name);
    }
    return renamed;
  }

  private static NodeDef rename(NodeDef n, Map<String, String> renamed) {
    if (renamed.isEmpty()) {
      return n;
    }
    NodeDef.Builder b = n.toBuilder().setName(renamed.get(n.getName())).clearInput();
    for (String in : n.getInputList()) {
      b.addInput(renameTensor(in, renamed));
    }
    return b.build();
  }

  /** {@code node}, {@code node:1} or {@code ^node}, renamed. */
  private static String renameTensor(String tensor, Map<String, String> renamed) {
    if (renamed.isEmpty()) {
      return tensor;
    }
    boolean control = tensor.startsWith("^");
    String t = control ? tensor.substring(1) : tensor;
    int colon = t.lastIndexOf(':');
    String node = colon < 0 ? t : t.substring(0, colon);
    String suffix = colon < 0 ? "" : t.substring(colon);
    String name = renamed.getOrDefault(node, node);
    return (control ? "^" : "") + name + suffix;
  }

  private static String input(
      List<NodeDef> nodes, JsonNode signature, Map<String, String> renamed, Path dir) {
    List<String> placeholders =
        nodes.stream().filter(n -> n.getOp().equals("Placeholder")).map(NodeDef::getName).toList();
    List<String> declared = new ArrayList<>();
    signature
        .path("inputs")
        .forEach(i -> declared.add(nodeOf(renameTensor(i.path("name").asText(), renamed))));
    if (placeholders.size() != 1) {
      throw new UnsupportedLayerException(
          placeholders.isEmpty() ? "(none)" : placeholders.get(0),
          "Placeholder",
          "the graph model in "
              + dir
              + " has "
              + placeholders.size()
              + " inputs "
              + placeholders
              + "; Lucerna optimizes one image input");
    }
    String input = placeholders.get(0);
    if (!declared.isEmpty() && !declared.equals(List.of(input))) {
      throw new MalformedModelException(
          "the signature of the graph model in "
              + dir
              + " names the inputs "
              + declared
              + ", but its placeholder is "
              + input);
    }
    NodeDef p = nodes.stream().filter(n -> n.getName().equals(input)).findFirst().get();
    if (p.getAttrOrDefault("dtype", AttrValue.getDefaultInstance()).getType()
        != DataType.DT_FLOAT) {
      throw new UnsupportedLayerException(
          input, "Placeholder", "its type is not float32; Lucerna optimizes a float image");
    }
    return input;
  }

  /** The signature's outputs, else every node that no other node reads. */
  private static Map<String, String> outputs(
      List<NodeDef> nodes, JsonNode signature, Map<String, String> renamed, String input) {
    Map<String, String> outputs = new LinkedHashMap<>();
    signature
        .path("outputs")
        .forEach(
            o -> {
              String tensor = renameTensor(o.path("name").asText(), renamed);
              outputs.put(key(tensor), tensor.contains(":") ? tensor : tensor + ":0");
            });
    if (!outputs.isEmpty()) {
      return outputs;
    }
    Set<String> read = new HashSet<>();
    nodes.forEach(n -> n.getInputList().forEach(i -> read.add(nodeOf(i))));
    for (NodeDef n : nodes) {
      if (!read.contains(n.getName())
          && !n.getName().equals(input)
          && !n.getOp().equals("Const")
          && !n.getOp().equals("NoOp")) {
        outputs.put(key(n.getName()), n.getName() + ":0");
      }
    }
    return outputs;
  }

  private static String key(String tensor) {
    return nodeOf(tensor).replace('/', '_');
  }

  private static String nodeOf(String tensor) {
    String t = tensor.startsWith("^") ? tensor.substring(1) : tensor;
    int colon = t.lastIndexOf(':');
    return colon < 0 ? t : t.substring(0, colon);
  }

  private static TfjsImporter.Imported write(Converted c, String source, Path dir)
      throws IOException {
    try (Graph g = new Graph()) {
      try {
        g.importGraphDef(c.graph());
      } catch (RuntimeException e) {
        throw new MalformedModelException(
            "TensorFlow cannot read the graph of " + source + ": " + e.getMessage(), e);
      }
      GraphOperation in = g.operation(c.input());
      Signature.Builder signature =
          Signature.builder().key("serving_default").input(c.input(), in.output(0));
      for (Map.Entry<String, String> o : c.outputs().entrySet()) {
        String tensor = o.getValue();
        int colon = tensor.lastIndexOf(':');
        GraphOperation op = g.operation(tensor.substring(0, colon));
        if (op == null) {
          throw new MalformedModelException(
              "the signature of "
                  + source
                  + " names the output "
                  + tensor
                  + ", which no node makes");
        }
        Operand<?> out = op.output(Integer.parseInt(tensor.substring(colon + 1)));
        signature.output(o.getKey(), out);
      }
      try (Session session = new Session(g)) {
        SavedModelBundle.exporter(dir.toString())
            .withSession(session)
            .withFunction(SessionFunction.create(signature.build(), session))
            .export();
      }
      return new TfjsImporter.Imported(
          dir, c.input(), c.inputShape(), List.copyOf(c.outputs().keySet()), 0, c.params());
    }
  }
}
