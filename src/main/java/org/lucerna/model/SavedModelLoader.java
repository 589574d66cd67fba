package org.lucerna.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads a TF1 or TF2 SavedModel and turns it into a {@link PreparedModel}: pruned to what the
 * outputs need, every function call inlined, every variable frozen into a constant, the input cut
 * to a Placeholder, checked against the allowed ops ({@link ModelOps}: before TensorFlow loads it,
 * and again once prepared), sorted, device pins removed, and its layers cataloged (and their
 * channel counts checked by one run on a blank input).
 */
public final class SavedModelLoader {
  static final String SAVED_MODEL = "saved_model.pb";
  private static final Set<String> VARIABLE_OPS =
      Set.of("VariableV2", "Variable", "VarHandleOp", "ReadVariableOp", "AssignVariableOp");

  private SavedModelLoader() {}

  public static PreparedModel load(
      Path dir, ModelId id, LoadOptions options, ModelMetadata metadata) {
    return load(dir, id, options, metadata, true);
  }

  /**
   * As {@link #load(Path, ModelId, LoadOptions, ModelMetadata)}; {@code foldBatchNorm} false keeps
   * batch normalizations as the model has them (for tests comparing the two).
   */
  static PreparedModel load(
      Path dir, ModelId id, LoadOptions options, ModelMetadata metadata, boolean foldBatchNorm) {
    MetaGraphDef meta = findMetaGraph(dir, id, options.tags());
    // Before TensorFlow sees the model: loading it runs its restore and init ops.
    ModelOps.check(id, meta);
    GraphDef raw = meta.getGraphDef();
    SignatureDef signature = meta.getSignatureDefMap().get(options.signature());
    String inputNode;
    List<String> outputs = new ArrayList<>();
    if (options.inputNode() != null) {
      inputNode = GraphSurgery.nodeOf(options.inputNode());
      if (raw.getNodeList().stream().noneMatch(n -> n.getName().equals(inputNode))) {
        throw new ModelException.Unusable(
            id
                + " has no node '"
                + inputNode
                + "' to use as 'inputNode'"
                + " (placeholders: "
                + placeholders(raw)
                + ")");
      }
      if (signature != null) {
        signature.getOutputsMap().values().forEach(t -> outputs.add(t.getName()));
      } else {
        outputs.addAll(inferenceOutputs(raw, inputNode));
      }
    } else if (signature != null) {
      if (signature.getInputsCount() != 1) {
        throw new ModelException.Unusable(
            "signature '"
                + options.signature()
                + "' of "
                + id
                + " has "
                + signature.getInputsCount()
                + " inputs "
                + signature.getInputsMap().keySet()
                + "; name the image input node with 'inputNode' in "
                + ModelFile.NAME);
      }
      TensorInfo in = signature.getInputsMap().values().iterator().next();
      inputNode = GraphSurgery.nodeOf(in.getName());
      signature.getOutputsMap().values().forEach(t -> outputs.add(t.getName()));
    } else {
      throw new ModelException.Unusable(
          id
              + " has no signature '"
              + options.signature()
              + "'"
              + " (signatures: "
              + meta.getSignatureDefMap().keySet()
              + "); name another with 'signature', or"
              + " name the image input node with 'inputNode' in "
              + ModelFile.NAME
              + " (placeholders: "
              + placeholders(raw)
              + ")");
    }
    Set<String> known = new LinkedHashSet<>();
    KerasMetadata.read(dir).forEach(l -> known.add(l.name()));
    GraphDef frozen;
    try (SavedModelBundle bundle =
        SavedModelBundle.loader(dir.toString())
            .withTags(options.tags().toArray(String[]::new))
            .load()) {
      FunctionInliner.Inlined inlined =
          FunctionInliner.inline(GraphSurgery.pruneAndSort(raw, outputs));
      known.addAll(inlined.layerNames());
      frozen = VariableFreezer.freeze(inlined.graph(), bundle.graph(), bundle.session());
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new ModelException.Unusable(
          "TensorFlow cannot load " + id + ": " + ErrorText.reason(e), e);
    }
    GraphDef pruned =
        InputChannels.settle(
            GraphSurgery.unplace(GraphSurgery.pruneAndSort(cutAt(frozen, inputNode, id), outputs)),
            inputNode,
            options.inputChannels(),
            id);
    if (foldBatchNorm) {
      pruned = BatchNormFolder.fold(pruned).graph();
    }
    List<String> unfrozen =
        pruned.getNodeList().stream()
            .filter(n -> VARIABLE_OPS.contains(n.getOp()))
            .map(n -> n.getOp() + " " + n.getName())
            .limit(5)
            .toList();
    if (!unfrozen.isEmpty()) {
      throw new ModelException.Unusable(
          id + " keeps variables that could not be frozen: " + unfrozen);
    }
    ModelOps.checkPrepared(id, pruned);
    InputSpec input = inputSpec(pruned, inputNode, id);
    LayerCatalog layers = LayerCatalog.of(id.name(), pruned, inputNode, known);
    PreparedModel model = new PreparedModel(id, pruned, input, layers, metadata);
    LayerCheck.check(id, pruned, input, layers, metadata, model.inputDataType());
    return model;
  }

  private static MetaGraphDef findMetaGraph(Path dir, ModelId id, List<String> tags) {
    SavedModel saved;
    try {
      saved = SavedModel.parseFrom(Files.readAllBytes(dir.resolve(SAVED_MODEL)));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ModelException.Unusable(
          "the " + SAVED_MODEL + " of " + id + " is not a SavedModel protobuf", e);
    } catch (IOException e) {
      throw new ModelException.Unusable("cannot read the " + SAVED_MODEL + " of " + id, e);
    }
    List<List<String>> available = new ArrayList<>();
    for (MetaGraphDef m : saved.getMetaGraphsList()) {
      List<String> t = m.getMetaInfoDef().getTagsList();
      if (new LinkedHashSet<>(t).equals(new LinkedHashSet<>(tags))) {
        return m;
      }
      available.add(t);
    }
    throw new ModelException.Unusable(
        "the SavedModel has no MetaGraph with tags "
            + tags
            + "; name one of"
            + " the tag sets "
            + available
            + " with 'tags' in "
            + ModelFile.NAME);
  }

  /**
   * Makes {@code inputNode} a Placeholder of its own dtype and inferred shape, so that a model
   * whose users feed an inner node (TF1's {@code input = Reshape(Placeholder)}) is cut there.
   */
  private static GraphDef cutAt(GraphDef def, String inputNode, ModelId id) {
    NodeDef node =
        def.getNodeList().stream()
            .filter(n -> n.getName().equals(inputNode))
            .findFirst()
            .orElseThrow(
                () ->
                    new ModelException.Unusable(
                        "input node '"
                            + inputNode
                            + "' of "
                            + id
                            + " does not reach the model's outputs"));
    if (node.getOp().equals("Placeholder")) {
      return def;
    }
    AttrValue dtype;
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    try (Graph g = new Graph()) {
      g.importGraphDef(def);
      GraphOperation op = g.operation(inputNode);
      dtype = AttrValue.newBuilder().setType(op.output(0).dataType()).build();
      Shape s = op.output(0).shape();
      if (s.isUnknown()) {
        shape.setUnknownRank(true);
      } else {
        for (long d : s.asArray()) {
          shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
      }
    }
    GraphDef.Builder b = def.toBuilder();
    for (NodeDef.Builder n : b.getNodeBuilderList()) {
      if (n.getName().equals(inputNode)) {
        n.setOp("Placeholder")
            .clearInput()
            .clearAttr()
            .putAttr("dtype", dtype)
            .putAttr("shape", AttrValue.newBuilder().setShape(shape).build());
      }
    }
    return b.build();
  }

  /**
   * For a model without a signature: the sinks of what the input feeds, leaving out what needs
   * another placeholder (labels), what changes state (training updates) and the {@code gradients/}
   * scope.
   */
  static List<String> inferenceOutputs(GraphDef def, String input) {
    Map<String, NodeDef> byName = new HashMap<>();
    Map<String, List<String>> consumers = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      byName.put(n.getName(), n);
      for (String in : n.getInputList()) {
        if (!in.startsWith("^")) {
          consumers
              .computeIfAbsent(GraphSurgery.nodeOf(in), k -> new ArrayList<>())
              .add(n.getName());
        }
      }
    }
    Set<String> downstream = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(input));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (downstream.add(n)) {
        todo.addAll(consumers.getOrDefault(n, List.of()));
      }
    }
    Map<String, Boolean> clean = new HashMap<>();
    Set<String> kept = new LinkedHashSet<>();
    for (String n : downstream) {
      if (isInference(n, input, byName, clean)) {
        kept.add(n);
      }
    }
    List<String> sinks =
        kept.stream()
            .filter(n -> consumers.getOrDefault(n, List.of()).stream().noneMatch(kept::contains))
            .filter(n -> !n.equals(input))
            .toList();
    if (sinks.isEmpty()) {
      throw new ModelException.Unusable(
          "nothing that the model computes depends on input node '" + input + "' alone");
    }
    return sinks;
  }

  private static boolean isInference(
      String name, String input, Map<String, NodeDef> byName, Map<String, Boolean> memo) {
    if (name.equals(input)) {
      return true;
    }
    Boolean known = memo.get(name);
    if (known != null) {
      return known;
    }
    memo.put(name, false); // a cycle (TF1 control flow) is not inference
    NodeDef n = byName.get(name);
    boolean ok =
        n != null
            && !n.getOp().equals("Placeholder")
            && !n.getOp().startsWith("Assign")
            && !n.getOp().startsWith("Apply")
            && !n.getOp().startsWith("ResourceApply")
            && ModelOps.inference(n.getOp())
            && !name.startsWith("gradients/");
    if (ok) {
      for (String in : n.getInputList()) {
        if (!isInference(GraphSurgery.nodeOf(in), input, byName, memo)) {
          ok = false;
          break;
        }
      }
    }
    memo.put(name, ok);
    return ok;
  }

  private static List<String> placeholders(GraphDef def) {
    return def.getNodeList().stream()
        .filter(n -> n.getOp().equals("Placeholder"))
        .map(NodeDef::getName)
        .toList();
  }

  private static InputSpec inputSpec(GraphDef def, String inputNode, ModelId id) {
    NodeDef node =
        def.getNodeList().stream()
            .filter(n -> n.getName().equals(inputNode))
            .findFirst()
            .orElseThrow(
                () -> new ModelException.Unusable(id + " has no input node '" + inputNode + "'"));
    TensorShapeProto shape = node.getAttrOrThrow("shape").getShape();
    long[] dims =
        shape.getUnknownRank()
            ? new long[0]
            : shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
    return new InputSpec(inputNode, dims);
  }
}
