package org.lucerna.optvis;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Lucid's redirected ReLU gradient, switched on by a fed flag (Lucid uses it for the first 16
 * steps). Where the ordinary gradient of a ReLU is zero for a whole batch element, the unit could
 * never wake up; the redirected gradient lets the loss gradient through wherever it would push the
 * ReLU's input towards its active range (up from below 0, and for ReLU6 down from above 6).
 *
 * <p>{@link #rewrite} turns each ReLU into a call of a {@link GraphFunction} that computes the same
 * ReLU and carries this gradient.
 */
public final class RedirectedRelu {
  /**
   * The flag node in a rewritten graph: 1 redirects, 0 (its default) gives the ordinary gradient.
   */
  public static final String FLAG = "lucerna_redirected_relu/active";

  private static final String FLAG_DEFAULT = "lucerna_redirected_relu/inactive";
  private static final GraphFunction RELU = define("Relu", false);
  private static final GraphFunction RELU6 = define("Relu6", true);

  private RedirectedRelu() {}

  /**
   * {@code model} with every float32 ReLU and ReLU6 rerouted through the redirecting gradient; the
   * graph computes the same values, and its nodes keep their names.
   */
  public static GraphDef rewrite(GraphDef model) {
    GraphDef.Builder out = GraphDef.newBuilder(model).clearNode();
    boolean relu = false;
    boolean relu6 = false;
    for (NodeDef node : model.getNodeList()) {
      GraphFunction f =
          switch (node.getOp()) {
            case "Relu" -> RELU;
            case "Relu6" -> RELU6;
            default -> null;
          };
      if (f == null || node.getAttrOrThrow("T").getType() != DataType.DT_FLOAT) {
        out.addNode(node);
        continue;
      }
      relu |= f == RELU;
      relu6 |= f == RELU6;
      AttrValue twoFloats =
          AttrValue.newBuilder()
              .setList(
                  AttrValue.ListValue.newBuilder()
                      .addType(DataType.DT_FLOAT)
                      .addType(DataType.DT_FLOAT))
              .build();
      NodeDef.Builder call =
          NodeDef.newBuilder()
              .setName(node.getName())
              .setOp("PartitionedCall")
              .setDevice(node.getDevice())
              .addInput(node.getInput(0))
              .addInput(FLAG)
              .putAttr("Tin", twoFloats)
              .putAttr(
                  "Tout",
                  AttrValue.newBuilder()
                      .setList(AttrValue.ListValue.newBuilder().addType(DataType.DT_FLOAT))
                      .build())
              .putAttr("f", f.callee());
      node.getInputList().stream().skip(1).forEach(call::addInput); // control inputs
      out.addNode(call);
    }
    if (!relu && !relu6) {
      return model;
    }
    FunctionDefLibrary.Builder library = out.getLibraryBuilder();
    for (GraphFunction f : relu && relu6 ? List.of(RELU, RELU6) : List.of(relu ? RELU : RELU6)) {
      f.addTo(library);
    }
    out.addNode(
        NodeDef.newBuilder()
            .setName(FLAG_DEFAULT)
            .setOp("Const")
            .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
            .putAttr(
                "value",
                AttrValue.newBuilder()
                    .setTensor(
                        TensorProto.newBuilder()
                            .setDtype(DataType.DT_FLOAT)
                            .setTensorShape(TensorShapeProto.getDefaultInstance())
                            .addFloatVal(0f))
                    .build()));
    out.addNode(
        NodeDef.newBuilder()
            .setName(FLAG)
            .setOp("PlaceholderWithDefault")
            .addInput(FLAG_DEFAULT)
            .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
            .putAttr(
                "shape",
                AttrValue.newBuilder().setShape(TensorShapeProto.getDefaultInstance()).build()));
    return out.build();
  }

  /**
   * A ReLU as a graph function {@code (features, active) → activations}, and its gradient function
   * {@code (features, active, dy) → (dfeatures, dactive)}.
   */
  private static GraphFunction define(String op, boolean six) {
    return GraphFunction.define(
        "lucerna_redirected_" + op.toLowerCase(java.util.Locale.ROOT),
        tf -> {
          Placeholder<TFloat32> features = tf.placeholder(TFloat32.class);
          Placeholder<TFloat32> active = tf.placeholder(TFloat32.class);
          Operand<TFloat32> y = six ? tf.nn.relu6(features) : tf.nn.relu(features);
          return Signature.builder()
              .input("features", features)
              .input("active", active)
              .output("activations", y)
              .build();
        },
        tf -> {
          Placeholder<TFloat32> features = tf.placeholder(TFloat32.class);
          Placeholder<TFloat32> active = tf.placeholder(TFloat32.class);
          Placeholder<TFloat32> dy = tf.placeholder(TFloat32.class);
          // A branch, not a select: after the redirected steps only the ordinary gradient is
          // computed.
          Operand<TBool> on = tf.math.greater(active, tf.constant(0.5f));
          SwitchCond<TFloat32> g = tf.switchCond(dy, on);
          SwitchCond<TFloat32> x = tf.switchCond(features, on);
          Operand<TFloat32> ordinary =
              six
                  ? tf.nn.relu6Grad(g.outputFalse(), x.outputFalse())
                  : tf.nn.reluGrad(g.outputFalse(), x.outputFalse());
          Operand<TFloat32> dx =
              tf.merge(List.of(ordinary, redirect(tf, g.outputTrue(), x.outputTrue(), six)))
                  .output();
          return Signature.builder()
              .input("features", features)
              .input("active", active)
              .input("dy", dy)
              .output("dfeatures", dx)
              .output("dactive", tf.zerosLike(active))
              .build();
        });
  }

  /**
   * Lucid's rule, with {@code g} the gradient of the loss (descent moves {@code x} against it): the
   * ordinary gradient where a batch element has any, otherwise {@code g} except where it would push
   * {@code x} further out of the active range.
   */
  static Operand<TFloat32> redirect(Ops tf, Operand<TFloat32> g, Operand<TFloat32> x, boolean six) {
    Operand<TFloat32> zero = tf.zerosLike(g);
    Operand<TBool> below = tf.math.less(x, tf.constant(0f));
    Operand<TBool> outside = below;
    Operand<TBool> pushedOut = tf.math.logicalAnd(below, tf.math.greater(g, tf.constant(0f)));
    if (six) {
      Operand<TBool> above = tf.math.greater(x, tf.constant(6f));
      outside = tf.math.logicalOr(below, above);
      pushedOut =
          tf.math.logicalOr(pushedOut, tf.math.logicalAnd(above, tf.math.less(g, tf.constant(0f))));
    }
    Operand<TFloat32> ordinary = tf.select(outside, zero, g);
    Operand<TFloat32> passed = tf.select(pushedOut, zero, g);
    Operand<TInt32> perElement = tf.range(tf.constant(1), tf.rank(x), tf.constant(1));
    Operand<TFloat32> size = tf.max(tf.math.abs(ordinary), perElement, Max.keepDims(true));
    return tf.select(tf.math.greater(size, tf.constant(0f)), ordinary, passed);
  }
}
