package org.lucerna.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads a SavedModel and turns it into a {@link PreparedModel}: variables frozen into constants, the
 * graph pruned to what the model's outputs need and sorted, device pins removed.
 */
public final class SavedModelLoader {
  private static final Set<String> TF1_VARIABLES = Set.of("VariableV2", "Variable");

  private SavedModelLoader() {}

  public static PreparedModel load(Path dir, ModelId id, LoadOptions options, ModelMetadata metadata) {
    MetaGraphDef meta = findMetaGraph(dir, options.tags());
    try (SavedModelBundle bundle =
        SavedModelBundle.loader(dir.toString()).withTags(options.tags().toArray(String[]::new)).load()) {
      GraphDef raw = bundle.graph().toGraphDef();
      SignatureDef signature = meta.getSignatureDefMap().get(options.signature());
      String inputNode;
      List<String> outputs = new ArrayList<>();
      if (options.inputNode() != null) {
        inputNode = options.inputNode();
        if (signature != null) {
          signature.getOutputsMap().values().forEach(t -> outputs.add(t.getName()));
        } else {
          outputs.addAll(consumersOf(raw, inputNode));
        }
      } else if (signature != null) {
        if (signature.getInputsCount() != 1) {
          throw new ModelException.Unusable("signature '" + options.signature() + "' of " + id
              + " has " + signature.getInputsCount() + " inputs " + signature.getInputsMap().keySet()
              + "; name the image input node with 'inputNode'");
        }
        TensorInfo in = signature.getInputsMap().values().iterator().next();
        inputNode = GraphSurgery.nodeOf(in.getName());
        signature.getOutputsMap().values().forEach(t -> outputs.add(t.getName()));
      } else {
        throw new ModelException.Unusable(id + " has no signature '" + options.signature() + "'"
            + " (signatures: " + meta.getSignatureDefMap().keySet() + "); name the image input node"
            + " with 'inputNode' (placeholders: " + placeholders(raw) + ")");
      }
      GraphDef frozen = freeze(raw, bundle.session());
      GraphDef pruned = GraphSurgery.unplace(GraphSurgery.pruneAndSort(frozen, outputs));
      InputSpec input = inputSpec(pruned, inputNode, id);
      LayerCatalog layers = LayerCatalog.of(id.name(), pruned, inputNode);
      return new PreparedModel(id, pruned, input, layers, metadata);
    }
  }

  private static MetaGraphDef findMetaGraph(Path dir, List<String> tags) {
    SavedModel saved;
    try {
      saved = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
    } catch (IOException e) {
      throw new ModelException.Unusable("cannot read " + dir.resolve("saved_model.pb") + ": " + e.getMessage(), e);
    }
    List<List<String>> available = new ArrayList<>();
    for (MetaGraphDef m : saved.getMetaGraphsList()) {
      List<String> t = m.getMetaInfoDef().getTagsList();
      if (new LinkedHashSet<>(t).equals(new LinkedHashSet<>(tags))) {
        return m;
      }
      available.add(t);
    }
    throw new ModelException.Unusable("no MetaGraph with tags " + tags + "; name one of the tag sets "
        + available + " with 'tags'");
  }

  /** Replaces every TF1 variable by a constant holding its current value. */
  static GraphDef freeze(GraphDef def, Session session) {
    List<String> variables = new ArrayList<>();
    def.getNodeList().stream().filter(n -> TF1_VARIABLES.contains(n.getOp())).forEach(n -> variables.add(n.getName()));
    if (variables.isEmpty()) {
      return def;
    }
    Map<String, TensorProto> values = new HashMap<>();
    for (String v : variables) {
      try (Result r = session.runner().fetch(v).run()) {
        values.put(v, toProto(r.get(0)));
      }
    }
    GraphDef.Builder b = def.toBuilder();
    for (NodeDef.Builder n : b.getNodeBuilderList()) {
      TensorProto value = values.get(n.getName());
      if (value != null) {
        n.setOp("Const").clearInput().clearAttr()
            .putAttr("dtype", AttrValue.newBuilder().setType(value.getDtype()).build())
            .putAttr("value", AttrValue.newBuilder().setTensor(value).build());
      }
    }
    return b.build();
  }

  static TensorProto toProto(Tensor t) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : t.shape().asArray()) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    ByteDataBuffer data = t.asRawTensor().data();
    byte[] bytes = new byte[(int) data.size()];
    data.read(bytes);
    return TensorProto.newBuilder()
        .setDtype(t.dataType())
        .setTensorShape(shape)
        .setTensorContent(com.google.protobuf.ByteString.copyFrom(bytes))
        .build();
  }

  private static List<String> consumersOf(GraphDef def, String node) {
    // Without a signature, keep everything downstream of the input: the model's outputs are its sinks.
    Map<String, List<String>> consumers = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      for (String in : n.getInputList()) {
        if (!in.startsWith("^")) {
          consumers.computeIfAbsent(GraphSurgery.nodeOf(in), k -> new ArrayList<>()).add(n.getName());
        }
      }
    }
    if (def.getNodeList().stream().noneMatch(n -> n.getName().equals(node))) {
      throw new ModelException.Unusable("the graph has no node '" + node + "' (placeholders: "
          + placeholders(def) + ")");
    }
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(node));
    while (!todo.isEmpty()) {
      String n = todo.remove(todo.size() - 1);
      if (seen.add(n)) {
        todo.addAll(consumers.getOrDefault(n, List.of()));
      }
    }
    return new ArrayList<>(seen);
  }

  private static List<String> placeholders(GraphDef def) {
    return def.getNodeList().stream().filter(n -> n.getOp().equals("Placeholder")).map(NodeDef::getName).toList();
  }

  private static InputSpec inputSpec(GraphDef def, String inputNode, ModelId id) {
    NodeDef node = def.getNodeList().stream().filter(n -> n.getName().equals(inputNode)).findFirst()
        .orElseThrow(() -> new ModelException.Unusable(id + " has no input node '" + inputNode + "'"));
    if (!node.getOp().equals("Placeholder")) {
      throw new ModelException.Unusable("input node '" + inputNode + "' of " + id + " is a " + node.getOp()
          + ", not a Placeholder");
    }
    TensorShapeProto shape = node.getAttrOrThrow("shape").getShape();
    long[] dims = shape.getUnknownRank() ? new long[0] : shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
    return new InputSpec(inputNode, dims);
  }
}
