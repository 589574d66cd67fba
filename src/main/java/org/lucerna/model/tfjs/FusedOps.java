package org.lucerna.model.tfjs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * Rewrites the fused ops of a TF.js graph model into the plain ops they stand for. The converter
 * fuses a convolution or matrix product with its bias and activation ({@code _FusedConv2D}, {@code
 * _FusedMatMul}, and the TF.js-only {@code FusedDepthwiseConv2dNative}, with the steps in the
 * {@code fused_ops} attribute and their operands after the weights); TensorFlow has no gradient for
 * the first two and does not know the third, and the optimizer needs gradients. TF.js' own {@code
 * Prelu} op, unknown to TensorFlow, is rewritten too.
 *
 * <p>The last step of a fused node keeps the node's name (its consumers and the layer it belongs to
 * stay as they were); the steps before it get new names in the same name scope.
 */
final class FusedOps {
  private static final Set<String> FUSED =
      Set.of("_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedMatMul", "Prelu");

  private final Set<String> names = new HashSet<>();
  private final List<NodeDef> out = new ArrayList<>();

  private FusedOps(List<NodeDef> nodes) {
    nodes.forEach(n -> names.add(n.getName()));
  }

  /** The nodes with every fused op replaced by plain ones; the others unchanged. */
  static List<NodeDef> rewrite(List<NodeDef> nodes) {
    FusedOps f = new FusedOps(nodes);
    for (NodeDef n : nodes) {
      if (FUSED.contains(n.getOp())) {
        f.expand(n);
      } else {
        f.out.add(n);
      }
    }
    return f.out;
  }

  private void expand(NodeDef n) {
    List<String> data = new ArrayList<>();
    List<String> control = new ArrayList<>();
    for (String in : n.getInputList()) {
      (in.startsWith("^") ? control : data).add(in);
    }
    if (n.getOp().equals("Prelu")) {
      if (data.size() != 2) {
        throw malformed(n, "takes x and alpha, but has " + data.size() + " inputs");
      }
      prelu(n, data.get(0), data.get(1), control, n.getName());
      return;
    }
    if (data.size() < 2) {
      throw malformed(n, "has " + data.size() + " inputs; it needs its input and weights");
    }
    List<String> steps = strings(n.getAttrOrDefault("fused_ops", AttrValue.getDefaultInstance()));
    List<String> args = data.subList(2, data.size());
    boolean matMul = n.getOp().equals("_FusedMatMul");
    String baseOp =
        switch (n.getOp()) {
          case "_FusedConv2D" -> "Conv2D";
          case "FusedDepthwiseConv2dNative" -> "DepthwiseConv2dNative";
          default -> "MatMul";
        };
    List<String> baseAttrs =
        matMul
            ? List.of("T", "transpose_a", "transpose_b")
            : List.of(
                "T",
                "strides",
                "padding",
                "explicit_paddings",
                "data_format",
                "dilations",
                "use_cudnn_on_gpu");
    if (baseOp.equals("DepthwiseConv2dNative")) {
      baseAttrs = baseAttrs.subList(0, baseAttrs.size() - 1);
    }
    NodeDef.Builder base =
        NodeDef.newBuilder()
            .setName(steps.isEmpty() ? n.getName() : fresh(n, baseOp))
            .setOp(baseOp)
            .addInput(data.get(0))
            .addInput(data.get(1))
            .addAllInput(control);
    copy(n, base, baseAttrs);
    out.add(base.build());
    String x = base.getName();
    int arg = 0;
    for (int i = 0; i < steps.size(); i++) {
      String step = steps.get(i);
      boolean last = i == steps.size() - 1;
      String name = last ? n.getName() : fresh(n, step);
      NodeDef.Builder b = NodeDef.newBuilder().setName(name).addInput(x);
      copy(n, b, List.of("T"));
      switch (step) {
        case "BiasAdd" -> {
          b.setOp("BiasAdd").addInput(arg(n, args, arg++));
          if (!matMul) {
            copy(n, b, List.of("data_format"));
          }
        }
        case "Add" -> b.setOp("AddV2").addInput(arg(n, args, arg++));
        case "FusedBatchNorm" -> {
          b.setOp("FusedBatchNormV3");
          for (int k = 0; k < 4; k++) {
            b.addInput(arg(n, args, arg++));
          }
          copy(n, b, List.of("epsilon", "data_format"));
          b.putAttr("U", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build());
          b.putAttr("is_training", AttrValue.newBuilder().setB(false).build());
        }
        case "Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "Selu" -> b.setOp(step);
        case "LeakyRelu" -> {
          b.setOp("LeakyRelu");
          AttrValue alpha = n.getAttrMap().get("leakyrelu_alpha");
          if (alpha != null) {
            b.putAttr("alpha", alpha);
          }
        }
        case "Prelu" -> {
          prelu(n, x, arg(n, args, arg++), List.of(), name);
          x = name;
          continue;
        }
        default ->
            throw malformed(
                n,
                "fuses '"
                    + step
                    + "'; supported fused steps: BiasAdd, Add, FusedBatchNorm, Relu, Relu6,"
                    + " Elu, Sigmoid, Tanh, Selu, LeakyRelu, Prelu");
      }
      out.add(b.build());
      x = name;
    }
  }

  /** prelu(x) = relu(x) + alpha * (x - relu(x)): ops with gradients, the sum named {@code name}. */
  private void prelu(NodeDef n, String x, String alpha, List<String> control, String name) {
    AttrValue t =
        n.getAttrOrDefault("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build());
    String pos = fresh(n, "Prelu_pos");
    String negative = fresh(n, "Prelu_neg");
    String scaled = fresh(n, "Prelu_mul");
    out.add(
        NodeDef.newBuilder()
            .setName(pos)
            .setOp("Relu")
            .addInput(x)
            .addAllInput(control)
            .putAttr("T", t)
            .build());
    out.add(
        NodeDef.newBuilder()
            .setName(negative)
            .setOp("Sub")
            .addInput(x)
            .addInput(pos)
            .putAttr("T", t)
            .build());
    out.add(
        NodeDef.newBuilder()
            .setName(scaled)
            .setOp("Mul")
            .addInput(alpha)
            .addInput(negative)
            .putAttr("T", t)
            .build());
    out.add(
        NodeDef.newBuilder()
            .setName(name)
            .setOp("AddV2")
            .addInput(pos)
            .addInput(scaled)
            .putAttr("T", t)
            .build());
  }

  private static String arg(NodeDef n, List<String> args, int i) {
    if (i >= args.size()) {
      throw malformed(n, "has too few operands for its fused steps (" + args.size() + ")");
    }
    return args.get(i);
  }

  private static void copy(NodeDef from, NodeDef.Builder to, List<String> attrs) {
    for (String a : attrs) {
      AttrValue v = from.getAttrMap().get(a);
      if (v != null) {
        to.putAttr(a, v);
      }
    }
  }

  /** A name in the node's scope that no node has: {@code <scope>/<what>}, else numbered. */
  private String fresh(NodeDef n, String what) {
    int slash = n.getName().lastIndexOf('/');
    String scope = slash < 0 ? "" : n.getName().substring(0, slash + 1);
    String name = scope + what;
    for (int i = 1; names.contains(name); i++) {
      name = scope + what + "_" + i;
    }
    names.add(name);
    return name;
  }

  private static List<String> strings(AttrValue v) {
    return v.getList().getSList().stream().map(s -> s.toStringUtf8()).toList();
  }

  private static MalformedModelException malformed(NodeDef n, String what) {
    return new MalformedModelException(n.getOp() + " node '" + n.getName() + "' " + what);
  }
}
