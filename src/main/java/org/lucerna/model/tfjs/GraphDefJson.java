package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The nodes of a TF.js graph model's {@code modelTopology}: a GraphDef in protobuf's JSON mapping
 * (int64 as strings, bytes as base64, enums by name), read into protobuf messages. Only what a
 * frozen GraphDef holds is read; a function attribute is refused, since a graph model with
 * functions (control flow) is not imported.
 */
final class GraphDefJson {
  private GraphDefJson() {}

  static NodeDef node(JsonNode n) {
    String name = n.path("name").asText();
    if (name.isEmpty() || !n.path("op").isTextual()) {
      throw new MalformedModelException("a node of modelTopology has no name or op: " + n);
    }
    NodeDef.Builder b = NodeDef.newBuilder().setName(name).setOp(n.get("op").asText());
    n.path("input").forEach(i -> b.addInput(i.asText()));
    // The device the converter ran on ("/device:CPU:0") is not where the service runs it.
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("attr").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isObject() && e.getValue().size() > 0) {
        b.putAttr(e.getKey(), attr(e.getValue(), name + "." + e.getKey()));
      }
    }
    return b.build();
  }

  static AttrValue attr(JsonNode a, String where) {
    AttrValue.Builder b = AttrValue.newBuilder();
    if (a.has("s")) {
      b.setS(bytes(a.get("s")));
    } else if (a.has("i")) {
      b.setI(a.get("i").asLong());
    } else if (a.has("f")) {
      b.setF(floatOf(a.get("f")));
    } else if (a.has("b")) {
      b.setB(a.get("b").asBoolean());
    } else if (a.has("type")) {
      b.setType(dataType(a.get("type")));
    } else if (a.has("shape")) {
      b.setShape(shape(a.get("shape")));
    } else if (a.has("tensor")) {
      b.setTensor(tensor(a.get("tensor")));
    } else if (a.has("list")) {
      JsonNode l = a.get("list");
      AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
      l.path("s").forEach(v -> list.addS(bytes(v)));
      l.path("i").forEach(v -> list.addI(v.asLong()));
      l.path("f").forEach(v -> list.addF(floatOf(v)));
      l.path("b").forEach(v -> list.addB(v.asBoolean()));
      l.path("type").forEach(v -> list.addType(dataType(v)));
      l.path("shape").forEach(v -> list.addShape(shape(v)));
      l.path("tensor").forEach(v -> list.addTensor(tensor(v)));
      if (l.has("func")) {
        throw new MalformedModelException("attribute " + where + " lists functions");
      }
      b.setList(list);
    } else {
      throw new MalformedModelException(
          "attribute "
              + where
              + " is "
              + a
              + "; a graph model's nodes may hold strings, numbers, types, shapes, tensors and"
              + " lists of them (functions and control flow are not imported)");
    }
    return b.build();
  }

  static TensorProto tensor(JsonNode t) {
    TensorProto.Builder b =
        TensorProto.newBuilder()
            .setDtype(dataType(t.path("dtype")))
            .setTensorShape(shape(t.path("tensorShape")));
    if (t.has("tensorContent")) {
      b.setTensorContent(bytes(t.get("tensorContent")));
    }
    t.path("floatVal").forEach(v -> b.addFloatVal(floatOf(v)));
    t.path("doubleVal").forEach(v -> b.addDoubleVal(v.asDouble()));
    t.path("intVal").forEach(v -> b.addIntVal(v.asInt()));
    t.path("int64Val").forEach(v -> b.addInt64Val(v.asLong()));
    t.path("boolVal").forEach(v -> b.addBoolVal(v.asBoolean()));
    t.path("halfVal").forEach(v -> b.addHalfVal(v.asInt()));
    t.path("stringVal").forEach(v -> b.addStringVal(bytes(v)));
    return b.build();
  }

  static TensorShapeProto shape(JsonNode s) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    if (s.path("unknownRank").asBoolean(false)) {
      return b.setUnknownRank(true).build();
    }
    s.path("dim")
        .forEach(
            d -> b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d.path("size").asLong(0))));
    return b.build();
  }

  static DataType dataType(JsonNode t) {
    if (t.isNumber()) {
      DataType d = DataType.forNumber(t.asInt());
      if (d != null) {
        return d;
      }
    } else {
      try {
        return DataType.valueOf(t.asText());
      } catch (IllegalArgumentException e) {
        // fall through to the error
      }
    }
    throw new MalformedModelException("unknown TensorFlow data type " + t);
  }

  private static ByteString bytes(JsonNode v) {
    String s = v.asText();
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(s));
    } catch (IllegalArgumentException e) {
      return ByteString.copyFrom(Base64.getUrlDecoder().decode(s));
    }
  }

  private static float floatOf(JsonNode v) {
    if (v.isNumber()) {
      return (float) v.asDouble();
    }
    return switch (v.asText()) {
      case "NaN" -> Float.NaN;
      case "Infinity" -> Float.POSITIVE_INFINITY;
      case "-Infinity" -> Float.NEGATIVE_INFINITY;
      default -> Float.parseFloat(v.asText());
    };
  }
}
