package org.lucerna.model;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Turns variables into constants holding their values, read through the loaded SavedModel's
 * session: TF1 reference variables ({@code VariableV2}) become Consts themselves; for TF2 resource
 * variables each {@code ReadVariableOp} whose handle traces back (through Identity) to a {@code
 * VarHandleOp} becomes a Const. Unused handles are left for pruning to remove.
 */
final class VariableFreezer {
  private static final Set<String> TF1_VARIABLES = Set.of("VariableV2", "Variable");
  private static final String READ_SCOPE = "lucerna_freeze/read_";

  private VariableFreezer() {}

  /**
   * @param def the graph to freeze (inlined, so that every read is a node of it)
   * @param loaded the graph the session runs, where the variables' handles live by the same names
   */
  static GraphDef freeze(GraphDef def, Graph loaded, Session session) {
    Map<String, NodeDef> byName = new HashMap<>();
    def.getNodeList().forEach(n -> byName.put(n.getName(), n));
    Map<String, String> tf1 = new LinkedHashMap<>();
    Map<String, String> reads = new LinkedHashMap<>(); // ReadVariableOp -> VarHandleOp
    for (NodeDef n : def.getNodeList()) {
      if (TF1_VARIABLES.contains(n.getOp())) {
        tf1.put(n.getName(), n.getName());
      } else if (n.getOp().equals("ReadVariableOp")) {
        reads.put(n.getName(), handleOf(n, byName));
      }
    }
    Map<String, TensorProto> values = new HashMap<>();
    for (String v : tf1.values()) {
      values.put(v, fetch(session, loaded.operation(v), v));
    }
    int i = 0;
    Map<String, TensorProto> handleValues = new HashMap<>();
    for (Map.Entry<String, String> e : reads.entrySet()) {
      String handle = e.getValue();
      if (!handleValues.containsKey(handle)) {
        GraphOperation h = loaded.operation(handle);
        if (h == null) {
          throw new ModelException.Unusable(
              "variable handle '" + handle + "' is not in the loaded graph");
        }
        GraphOperation read =
            loaded
                .opBuilder("ReadVariableOp", READ_SCOPE + i++, loaded.baseScope())
                .addInput(h.output(0))
                .setAttr("dtype", byName.get(handle).getAttrOrThrow("dtype").getType())
                .build();
        handleValues.put(handle, fetch(session, read, handle));
      }
      values.put(e.getKey(), handleValues.get(handle));
    }
    if (values.isEmpty()) {
      return def;
    }
    GraphDef.Builder b = def.toBuilder();
    for (NodeDef.Builder n : b.getNodeBuilderList()) {
      TensorProto value = values.get(n.getName());
      if (value != null) {
        n.setOp("Const")
            .clearInput()
            .clearAttr()
            .putAttr("dtype", AttrValue.newBuilder().setType(value.getDtype()).build())
            .putAttr("value", AttrValue.newBuilder().setTensor(value).build());
      }
    }
    return b.build();
  }

  private static String handleOf(NodeDef read, Map<String, NodeDef> byName) {
    String name = GraphSurgery.nodeOf(read.getInput(0));
    for (int hops = 0; hops < 10_000; hops++) {
      NodeDef n = byName.get(name);
      if (n == null) {
        break;
      }
      if (n.getOp().equals("VarHandleOp")) {
        return name;
      }
      if (!n.getOp().equals("Identity")) {
        throw new ModelException.Unusable(
            "variable read '"
                + read.getName()
                + "' reads a handle made by "
                + n.getOp()
                + " '"
                + name
                + "', not by a VarHandleOp: it cannot be frozen");
      }
      name = GraphSurgery.nodeOf(n.getInput(0));
    }
    throw new ModelException.Unusable(
        "variable read '" + read.getName() + "' has no VarHandleOp behind it");
  }

  private static TensorProto fetch(Session session, GraphOperation op, String variable) {
    try (Result r = session.runner().fetch(op.output(0)).run()) {
      return toProto(r.get(0));
    } catch (RuntimeException e) {
      throw new ModelException.Unusable(
          "cannot read variable '" + variable + "': " + e.getMessage(), e);
    }
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
        .setTensorContent(ByteString.copyFrom(bytes))
        .build();
  }
}
