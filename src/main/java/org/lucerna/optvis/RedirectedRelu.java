package org.lucerna.optvis;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Lucid's redirected ReLU gradient, switched on by a fed flag (Lucid uses it for the first 16 steps).
 * Where the ordinary gradient of a ReLU is zero for a whole batch element, the unit could never wake up;
 * the redirected gradient lets the loss gradient through wherever it would push the ReLU's input
 * towards its active range (up from below 0, and for ReLU6 down from above 6).
 *
 * <p>TensorFlow Java cannot replace the registered gradient of {@code Relu}, so {@link #rewrite} leaves
 * each ReLU in place and puts an {@code IdentityN} of (ReLU output, ReLU input, flag) under the ReLU's
 * name: the forward values are unchanged and consumers are untouched, while {@code IdentityN}, which has
 * no gradient of its own in TensorFlow, gets the one registered here. It sends the incoming gradient
 * through the ordinary ReLU gradient when the flag is 0, and straight to the ReLU's input, redirected,
 * when it is 1.
 */
public final class RedirectedRelu {
  /** The flag node in a rewritten graph: 1 redirects, 0 (its default) gives the ordinary gradient. */
  public static final String FLAG = "lucerna_redirected_relu/active";
  private static final String FLAG_DEFAULT = "lucerna_redirected_relu/inactive";
  private static final String FORWARD_SUFFIX = "/relu_forward";
  private static final String RELU = "Relu";
  private static final String RELU6 = "Relu6";

  private static boolean registered;

  private RedirectedRelu() {}

  /**
   * {@code model} with every float32 ReLU and ReLU6 rerouted through the redirecting gradient; the
   * graph computes the same values. Registers the gradient with TensorFlow on first use.
   */
  public static GraphDef rewrite(GraphDef model) {
    register();
    GraphDef.Builder out = GraphDef.newBuilder(model).clearNode();
    int rewritten = 0;
    for (NodeDef node : model.getNodeList()) {
      boolean relu = node.getOp().equals(RELU) || node.getOp().equals(RELU6);
      if (!relu || node.getAttrOrThrow("T").getType() != DataType.DT_FLOAT) {
        out.addNode(node);
        continue;
      }
      String forward = node.getName() + FORWARD_SUFFIX;
      out.addNode(node.toBuilder().setName(forward));
      String features = node.getInput(0);
      out.addNode(NodeDef.newBuilder()
          .setName(node.getName())
          .setOp("IdentityN")
          .setDevice(node.getDevice())
          .addInput(forward)
          .addInput(features)
          .addInput(FLAG)
          .putAttr("T", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
              .addType(DataType.DT_FLOAT).addType(DataType.DT_FLOAT).addType(DataType.DT_FLOAT)).build()));
      rewritten++;
    }
    if (rewritten > 0) {
      out.addNode(NodeDef.newBuilder().setName(FLAG_DEFAULT).setOp("Const")
          .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
          .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder()
              .setDtype(DataType.DT_FLOAT).setTensorShape(TensorShapeProto.getDefaultInstance()).addFloatVal(0f))
              .build()));
      out.addNode(NodeDef.newBuilder().setName(FLAG).setOp("PlaceholderWithDefault").addInput(FLAG_DEFAULT)
          .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
          .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.getDefaultInstance()).build()));
    }
    return out.build();
  }

  /** Registers the gradient once per process; TensorFlow keeps one gradient function per op type. */
  static synchronized void register() {
    if (registered) {
      return;
    }
    if (!TensorFlow.registerCustomGradient("IdentityN", RedirectedRelu::gradient)) {
      throw new IllegalStateException("TensorFlow already has a gradient for IdentityN; the redirected ReLU"
          + " gradient cannot be registered");
    }
    registered = true;
  }

  private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> grads) {
    List<Operand<?>> out = new ArrayList<>();
    if (!isRedirect(op)) {
      // Any other IdentityN passes its gradients through, as an identity does.
      for (int i = 0; i < op.numInputs(); i++) {
        Output<?> g = grads.get(i);
        out.add(g != null ? g : zerosLike(tf, op.input(i)));
      }
      return out;
    }
    @SuppressWarnings("unchecked")
    Output<TFloat32> x = (Output<TFloat32>) op.input(1);
    @SuppressWarnings("unchecked")
    Output<TFloat32> active = (Output<TFloat32>) op.input(2);
    if (grads.get(0) == null) {
      return List.of(zerosLike(tf, op.input(0)), tf.zerosLike(x), tf.zerosLike(active));
    }
    @SuppressWarnings("unchecked")
    Operand<TFloat32> g = (Operand<TFloat32>) grads.get(0);
    boolean six = op.input(0).op().type().equals(RELU6);
    Operand<TFloat32> redirected = redirect(tf, g, x, six);
    Operand<TFloat32> off = tf.math.sub(tf.constant(1f), active);
    out.add(tf.math.mul(g, off));
    out.add(tf.math.mul(redirected, active));
    out.add(tf.zerosLike(active));
    return out;
  }

  private static boolean isRedirect(GraphOperation op) {
    return op.numInputs() == 3 && op.input(2).op().name().endsWith(FLAG)
        && op.input(0).op().name().equals(op.name() + FORWARD_SUFFIX);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Operand<?> zerosLike(Ops tf, Output<?> like) {
    return tf.zerosLike((Operand) like);
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
      pushedOut = tf.math.logicalOr(pushedOut, tf.math.logicalAnd(above, tf.math.less(g, tf.constant(0f))));
    }
    Operand<TFloat32> ordinary = tf.select(outside, zero, g);
    Operand<TFloat32> passed = tf.select(pushedOut, zero, g);
    // Shapes are read inside the graph: Output.shape() must not be called from a gradient function.
    Operand<TInt32> perElement = tf.range(tf.constant(1), tf.rank(x), tf.constant(1));
    Operand<TFloat32> size = tf.max(tf.math.abs(ordinary), perElement, Max.keepDims(true));
    return tf.select(tf.math.greater(size, tf.constant(0f)), ordinary, passed);
  }
}
