package org.lucerna.model;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;

/**
 * One input of a layer that concatenates its inputs along the channels (InceptionV3's {@code
 * mixed*}): the tensor, and the channels of the layer it fills. An objective that reads channels of
 * one input only can read that tensor, and the other inputs' branches need not run.
 *
 * @param output the input's tensor in the frozen graph ({@code node:0})
 * @param offset the layer's channel that the input's channel 0 becomes
 */
public record ConcatInput(String output, int offset, int channels) {

  /**
   * The inputs of {@code layer} in channel order; empty when the layer is not a {@code ConcatV2}
   * along its last axis of tensors whose channel counts the catalog knows.
   */
  static List<ConcatInput> of(GraphDef graph, LayerCatalog catalog, LayerInfo layer) {
    String nodeName = GraphSurgery.nodeOf(layer.output());
    if (!layer.output().equals(nodeName + ":0") || !layer.opType().equals("ConcatV2")) {
      return List.of();
    }
    Map<String, NodeDef> byName = new HashMap<>();
    graph.getNodeList().forEach(n -> byName.put(n.getName(), n));
    NodeDef concat = byName.get(nodeName);
    if (concat == null) {
      return List.of();
    }
    List<String> inputs = concat.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
    if (inputs.size() < 3) {
      return List.of();
    }
    Integer axis = intScalar(GraphSurgery.constantOf(inputs.get(inputs.size() - 1), byName));
    int rank = layer.shape().length;
    if (axis == null || (axis != -1 && axis != rank - 1)) {
      return List.of();
    }
    List<ConcatInput> parts = new ArrayList<>();
    int offset = 0;
    for (String input : inputs.subList(0, inputs.size() - 1)) {
      String node = GraphSurgery.nodeOf(input);
      if (!input.equals(node) && !input.equals(node + ":0")) {
        return List.of(); // the catalog knows the shapes of outputs 0 only
      }
      Optional<LayerInfo> info = catalog.node(node);
      if (info.isEmpty() || info.get().shape().length != rank) {
        return List.of();
      }
      int channels = info.get().channels();
      parts.add(new ConcatInput(node + ":0", offset, channels));
      offset += channels;
    }
    return offset == layer.channels() ? List.copyOf(parts) : List.of();
  }

  /** The value of a scalar int32 tensor, or null when {@code t} is null or something else. */
  private static Integer intScalar(TensorProto t) {
    if (t == null || t.getDtype() != DataType.DT_INT32) {
      return null;
    }
    if (t.getIntValCount() == 1) {
      return t.getIntVal(0);
    }
    if (t.getTensorContent().size() == 4) {
      return t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
    return null;
  }
}
