package org.lucerna.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Fills in the channel count of an NHWC input that the graph leaves free ({@code [-1, 320, 640,
 * -1]}, as TF1 exports fed through {@code IteratorGetNext} often are): the optimizer must know how
 * many channels its image has. The count is the one {@code lucerna-model.json} gives as {@code
 * inputChannels}, or else the input depth of the filter of the first convolution that reads the
 * input, through ops that keep the channel axis (casts, scaling, padding, resizing). Writing it
 * into the placeholder's shape lets shape inference know every layer's channels too.
 */
final class InputChannels {
  /** Ops between the input and its first convolution that keep the channel axis as it is. */
  private static final Set<String> CHANNEL_KEEPING =
      Set.of(
          "Identity",
          "Cast",
          "Add",
          "AddV2",
          "Sub",
          "Mul",
          "RealDiv",
          "Div",
          "Maximum",
          "Minimum",
          "Neg",
          "Relu",
          "Relu6",
          "Pad",
          "PadV2",
          "MirrorPad",
          "ResizeBilinear",
          "ResizeNearestNeighbor",
          "ResizeBicubic",
          "ResizeArea",
          "ClipByValue");

  private static final Set<String> CONVOLUTIONS = Set.of("Conv2D", "DepthwiseConv2dNative");

  private InputChannels() {}

  /**
   * {@code def} with the channel dimension of placeholder {@code inputNode} set, when it is free
   * and {@code declared} (may be null) or the first convolution tells it.
   *
   * @throws ModelException.Unusable when {@code declared} contradicts the graph's own count
   */
  static GraphDef settle(GraphDef def, String inputNode, Integer declared, ModelId id) {
    NodeDef input =
        def.getNodeList().stream()
            .filter(n -> n.getName().equals(inputNode))
            .findFirst()
            .orElse(null);
    if (input == null || !input.containsAttr("shape")) {
      return def;
    }
    TensorShapeProto shape = input.getAttrOrThrow("shape").getShape();
    if (shape.getUnknownRank() || shape.getDimCount() != 4) {
      return def;
    }
    long channels = shape.getDim(3).getSize();
    if (channels > 0) {
      if (declared != null && declared != channels) {
        throw new ModelException.Unusable(
            ModelFile.NAME
                + " of "
                + id
                + " declares inputChannels "
                + declared
                + " but the input "
                + inputNode
                + " has "
                + channels);
      }
      return def;
    }
    Integer filter = fromFirstConvolution(def, inputNode);
    if (declared != null && filter != null && !declared.equals(filter)) {
      throw new ModelException.Unusable(
          ModelFile.NAME
              + " of "
              + id
              + " declares inputChannels "
              + declared
              + " but the first convolution that reads "
              + inputNode
              + " takes "
              + filter);
    }
    Integer found = declared != null ? declared : filter;
    if (found == null) {
      return def;
    }
    GraphDef.Builder b = def.toBuilder();
    for (NodeDef.Builder n : b.getNodeBuilderList()) {
      if (n.getName().equals(inputNode)) {
        TensorShapeProto.Builder s = shape.toBuilder();
        s.getDimBuilder(3).setSize(found);
        n.putAttr("shape", AttrValue.newBuilder().setShape(s).build());
      }
    }
    return b.build();
  }

  /**
   * The input depth of the filter of the first convolution that {@code inputNode} reaches through
   * {@link #CHANNEL_KEEPING} ops, or null when there is none or its filter is not a constant.
   */
  static Integer fromFirstConvolution(GraphDef def, String inputNode) {
    Map<String, NodeDef> byName = new HashMap<>();
    Map<String, List<NodeDef>> consumers = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      byName.put(n.getName(), n);
      for (int i = 0; i < n.getInputCount(); i++) {
        String in = n.getInput(i);
        if (!in.startsWith("^")) {
          consumers.computeIfAbsent(GraphSurgery.nodeOf(in), k -> new ArrayList<>()).add(n);
        }
      }
    }
    // Breadth first: the convolution nearest the input is the one that sees its channels.
    Deque<String> todo = new ArrayDeque<>(List.of(inputNode));
    Set<String> seen = new HashSet<>(todo);
    while (!todo.isEmpty()) {
      String name = todo.poll();
      for (NodeDef c : consumers.getOrDefault(name, List.of())) {
        if (CONVOLUTIONS.contains(c.getOp())) {
          if (c.getInputCount() >= 2 && GraphSurgery.nodeOf(c.getInput(0)).equals(name)) {
            Integer depth = filterDepth(byName, GraphSurgery.nodeOf(c.getInput(1)));
            if (depth != null) {
              return depth;
            }
          }
        } else if (CHANNEL_KEEPING.contains(c.getOp()) && seen.add(c.getName())) {
          todo.add(c.getName());
        }
      }
    }
    return null;
  }

  /** Dimension 2 (input channels) of a constant HWIO filter, seen through Identity nodes. */
  private static Integer filterDepth(Map<String, NodeDef> byName, String filter) {
    NodeDef node = byName.get(filter);
    for (int hops = 0; node != null && node.getOp().equals("Identity") && hops < 16; hops++) {
      node = node.getInputCount() == 0 ? null : byName.get(GraphSurgery.nodeOf(node.getInput(0)));
    }
    if (node == null || !node.getOp().equals("Const") || !node.containsAttr("value")) {
      return null;
    }
    TensorShapeProto shape = node.getAttrOrThrow("value").getTensor().getTensorShape();
    if (shape.getDimCount() != 4 || shape.getDim(2).getSize() < 1) {
      return null;
    }
    return (int) shape.getDim(2).getSize();
  }
}
