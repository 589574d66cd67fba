package org.lucerna.model;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Folds an inference-mode batch normalization that follows a convolution into the convolution's
 * filter and one bias, so that the live path is convolution, {@code BiasAdd}, activation: the form
 * TensorFlow's remapper fuses into one (oneDNN) kernel. Left in the graph, the normalization costs
 * its own forward and backward pass at every step, and Grappler's attempt to fold it at session
 * time logs errors ("Invalid input ^.../Conv2D") for every new plan.
 *
 * <p>Recognized forms, after a {@code Conv2D} or {@code DepthwiseConv2dNative} (NHWC, constant
 * filter, optionally followed by a constant {@code BiasAdd}/{@code Add}):
 *
 * <ul>
 *   <li>{@code FusedBatchNorm}, {@code V2} or {@code V3} with {@code is_training=false} and
 *       constant scale, offset, mean and variance (only its first output read);
 *   <li>{@code Mul} by a constant per-channel vector, optionally followed by {@code Add}/{@code
 *       AddV2}/{@code BiasAdd} or {@code Sub} of a constant per-channel vector: the form the TF.js
 *       importer builds.
 * </ul>
 *
 * <p>The normalization's output node keeps its name (it becomes the {@code BiasAdd}), so the layer
 * catalog is unchanged; the new filter and convolution are named in the normalization's scope. The
 * original convolution and its multiply stay in the graph, no longer on the path to the outputs, so
 * that a convolution layer read by name still gives its own, unscaled values: a plan imports only
 * what its objective reads ({@link PreparedModel#graphFor}), so they cost nothing unless read.
 * Values are computed in double precision and rounded once.
 */
final class BatchNormFolder {
  private static final Set<String> CONVS = Set.of("Conv2D", "DepthwiseConv2dNative");
  private static final Set<String> FUSED =
      Set.of("FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3");
  private static final Set<String> ADDS = Set.of("Add", "AddV2", "BiasAdd");

  private BatchNormFolder() {}

  /** The result: the folded graph and how many normalizations were folded. */
  record Folded(GraphDef graph, int count) {}

  /** Folds every normalization of {@code def} (topologically sorted) that has a form above. */
  static Folded fold(GraphDef def) {
    Map<String, NodeDef> byName = new LinkedHashMap<>();
    def.getNodeList().forEach(n -> byName.put(n.getName(), n));
    Map<String, List<String>> consumers = new HashMap<>();
    for (NodeDef n : def.getNodeList()) {
      for (String in : n.getInputList()) {
        // "consumer<TAB>input as written", so that both who reads and which output are known
        consumers
            .computeIfAbsent(GraphSurgery.nodeOf(in), k -> new ArrayList<>())
            .add(n.getName() + "\t" + in);
      }
    }
    Set<String> names = new HashSet<>(byName.keySet());
    Map<String, List<NodeDef>> replacements = new HashMap<>(); // node -> the nodes in its place
    Set<String> folded = new HashSet<>(); // convolutions folded, each at most once
    Set<String> oldFilters = new HashSet<>();
    for (NodeDef n : def.getNodeList()) {
      Match m = match(n, byName, consumers);
      if (m != null && folded.add(m.conv().getName())) {
        m.rewrite(names, replacements);
        oldFilters.add(GraphSurgery.nodeOf(m.conv().getInput(1)));
      }
    }
    if (folded.isEmpty()) {
      return new Folded(def, 0);
    }
    List<NodeDef> out = new ArrayList<>();
    for (NodeDef n : def.getNodeList()) {
      // The new nodes' inputs come before the node they replace in the sorted list.
      out.addAll(replacements.getOrDefault(n.getName(), List.of(n)));
    }
    // An original filter that no unscaled convolution reads any more is dropped, so the prepared
    // model holds each filter once.
    Set<String> read = new HashSet<>();
    out.forEach(n -> n.getInputList().forEach(i -> read.add(GraphSurgery.nodeOf(i))));
    out.removeIf(
        n ->
            oldFilters.contains(n.getName())
                && n.getOp().equals("Const")
                && !read.contains(n.getName()));
    return new Folded(def.toBuilder().clearNode().addAllNode(out).build(), folded.size());
  }

  /**
   * A convolution (with its constant filter and bias), and the per-channel scale and offset that
   * the normalization ending at {@code out} applies to it.
   */
  private record Match(
      NodeDef out,
      NodeDef conv,
      float[] filter,
      long[] filterShape,
      double[] bias,
      double[] scale,
      double[] offset) {

    /**
     * Puts the folded filter and convolution in the place of the original convolution, and the bias
     * in the place of the normalization's output node, which keeps its name.
     *
     * <p>The original convolution stays readable by its name (a layer of the catalog): when no bias
     * was added to it and no channel's scale is 0, it becomes the folded convolution times 1/scale,
     * equal to its old value up to rounding, so its filter need not be kept twice; otherwise it is
     * kept as it was. Either way it is off the path to the outputs.
     */
    void rewrite(Set<String> names, Map<String, List<NodeDef>> replacements) {
      int channels = scale.length;
      float[] w = new float[filter.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (filter[i] * scale[i % channels]);
      }
      float[] b = new float[channels];
      float[] inverse = bias == null ? new float[channels] : null;
      for (int c = 0; c < channels; c++) {
        b[c] = (float) ((bias == null ? 0.0 : bias[c]) * scale[c] + offset[c]);
        if (inverse != null) {
          inverse[c] = (float) (1.0 / scale[c]);
          if (scale[c] == 0 || !Float.isFinite(inverse[c]) || inverse[c] == 0) {
            inverse = null;
          }
        }
      }
      String scope = LayerCatalog.scopeOf(out.getName());
      String prefix = scope.equals(out.getName()) ? "" : scope + "/";
      String filterName = unique(prefix + "folded_filter", names);
      String convName = unique(prefix + "folded_" + conv.getOp(), names);
      String biasName = unique(prefix + "folded_bias", names);
      List<NodeDef> atConv = new ArrayList<>();
      atConv.add(constant(filterName, w, filterShape));
      atConv.add(
          conv.toBuilder()
              .setName(convName)
              .clearInput()
              .addInput(conv.getInput(0))
              .addInput(filterName)
              .build());
      if (inverse == null) {
        atConv.add(conv);
      } else {
        String inverseName = unique(prefix + "folded_inverse_scale", names);
        atConv.add(constant(inverseName, inverse, new long[] {channels}));
        atConv.add(
            NodeDef.newBuilder()
                .setName(conv.getName())
                .setOp("Mul")
                .setDevice(conv.getDevice())
                .addInput(convName)
                .addInput(inverseName)
                .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                .build());
      }
      replacements.put(conv.getName(), atConv);
      replacements.put(
          out.getName(),
          List.of(
              constant(biasName, b, new long[] {channels}),
              NodeDef.newBuilder()
                  .setName(out.getName())
                  .setOp("BiasAdd")
                  .setDevice(out.getDevice())
                  .addInput(convName)
                  .addInput(biasName)
                  .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                  .putAttr(
                      "data_format",
                      AttrValue.newBuilder().setS(ByteString.copyFromUtf8("NHWC")).build())
                  .build()));
    }
  }

  private static Match match(
      NodeDef n, Map<String, NodeDef> byName, Map<String, List<String>> consumers) {
    if (FUSED.contains(n.getOp())) {
      return matchFused(n, byName, consumers);
    }
    if (n.getOp().equals("Mul") && isFloat(n)) {
      // Only the last node of a multiply-add is rewritten: a Mul followed by a foldable add is
      // matched at the add.
      List<String> cs = consumers.getOrDefault(n.getName(), List.of());
      if (cs.size() == 1) {
        NodeDef next = byName.get(cs.get(0).substring(0, cs.get(0).indexOf('\t')));
        if (next != null && addend(next, n.getName(), byName) != null) {
          return null;
        }
      }
      return matchMulAdd(n, null, byName, consumers);
    }
    if ((ADDS.contains(n.getOp()) || n.getOp().equals("Sub")) && isFloat(n)) {
      for (int i = 0; i < 2; i++) {
        NodeDef mul = byName.get(GraphSurgery.nodeOf(n.getInput(i)));
        if (mul != null && mul.getOp().equals("Mul") && !n.getInput(i).startsWith("^")) {
          if (single(mul, consumers) && addend(n, mul.getName(), byName) != null) {
            return matchMulAdd(mul, n, byName, consumers);
          }
        }
      }
    }
    return null;
  }

  /** The constant {@code add} adds to {@code mul}'s output (negated for Sub), or null. */
  private static double[] addend(NodeDef add, String mul, Map<String, NodeDef> byName) {
    if (add.getInputCount() != 2 || !isFloat(add)) {
      return null;
    }
    boolean sub = add.getOp().equals("Sub");
    if (!ADDS.contains(add.getOp()) && !sub) {
      return null;
    }
    int at = add.getInput(0).equals(mul) ? 0 : add.getInput(1).equals(mul) ? 1 : -1;
    if (at < 0 || (at == 1 && (sub || add.getOp().equals("BiasAdd")))) {
      return null;
    }
    double[] c = channelConstant(add.getInput(1 - at), byName);
    if (c == null) {
      return null;
    }
    if (sub) {
      for (int i = 0; i < c.length; i++) {
        c[i] = -c[i];
      }
    }
    return c;
  }

  private static Match matchMulAdd(
      NodeDef mul, NodeDef add, Map<String, NodeDef> byName, Map<String, List<String>> consumers) {
    if (mul.getInputCount() != 2) {
      return null;
    }
    for (int i = 0; i < 2; i++) {
      double[] scale = channelConstant(mul.getInput(1 - i), byName);
      if (scale == null) {
        continue;
      }
      ConvChain chain = chain(mul.getInput(i), byName, consumers);
      if (chain == null) {
        continue;
      }
      int channels = chain.channels();
      double[] s = broadcast(scale, channels);
      double[] o =
          add == null
              ? new double[channels]
              : broadcast(addend(add, mul.getName(), byName), channels);
      if (s == null || o == null) {
        return null;
      }
      return chain.match(add == null ? mul : add, s, o);
    }
    return null;
  }

  private static Match matchFused(
      NodeDef bn, Map<String, NodeDef> byName, Map<String, List<String>> consumers) {
    if (bn.getInputCount() < 5
        || !isFloat(bn)
        || (bn.containsAttr("is_training") && bn.getAttrOrThrow("is_training").getB())
        || !nhwc(bn)) {
      return null;
    }
    for (String read : consumers.getOrDefault(bn.getName(), List.of())) {
      String c = read.substring(read.indexOf('\t') + 1);
      if (!c.equals(bn.getName()) && !c.equals(bn.getName() + ":0")) {
        return null; // its batch statistics or a control edge are read
      }
    }
    ConvChain chain = chain(bn.getInput(0), byName, consumers);
    if (chain == null) {
      return null;
    }
    int channels = chain.channels();
    double[] gamma = broadcast(channelConstant(bn.getInput(1), byName), channels);
    double[] beta = broadcast(channelConstant(bn.getInput(2), byName), channels);
    double[] mean = broadcast(channelConstant(bn.getInput(3), byName), channels);
    double[] variance = broadcast(channelConstant(bn.getInput(4), byName), channels);
    if (gamma == null || beta == null || mean == null || variance == null) {
      return null;
    }
    double epsilon =
        bn.containsAttr("epsilon") ? bn.getAttrOrThrow("epsilon").getF() : 1e-4; // the op default
    double[] s = new double[channels];
    double[] o = new double[channels];
    for (int c = 0; c < channels; c++) {
      s[c] = gamma[c] / Math.sqrt(variance[c] + epsilon);
      o[c] = beta[c] - mean[c] * s[c];
    }
    return chain.match(bn, s, o);
  }

  /** A convolution with a constant filter, and the constant bias added to it, if any. */
  private record ConvChain(NodeDef conv, float[] filter, long[] filterShape, double[] bias) {
    int channels() {
      // Conv2D's filter is [h, w, in, out]; a depthwise filter is [h, w, in, multiplier] and its
      // output channel in * multiplier + m is the flat index over the last two dimensions.
      return (int)
          (conv.getOp().equals("Conv2D") ? filterShape[3] : filterShape[2] * filterShape[3]);
    }

    Match match(NodeDef out, double[] scale, double[] offset) {
      return new Match(out, conv, filter, filterShape, bias, scale, offset);
    }
  }

  /** The convolution chain whose output is {@code input}, each node of it read only once. */
  private static ConvChain chain(
      String input, Map<String, NodeDef> byName, Map<String, List<String>> consumers) {
    if (input.startsWith("^") || input.contains(":") && !input.endsWith(":0")) {
      return null;
    }
    NodeDef n = byName.get(GraphSurgery.nodeOf(input));
    if (n == null || !single(n, consumers)) {
      return null;
    }
    double[] bias = null;
    if (ADDS.contains(n.getOp()) && n.getInputCount() == 2 && isFloat(n)) {
      NodeDef conv = byName.get(GraphSurgery.nodeOf(n.getInput(0)));
      bias = channelConstant(n.getInput(1), byName);
      if (conv == null || bias == null || !single(conv, consumers)) {
        return null;
      }
      n = conv;
    }
    if (!CONVS.contains(n.getOp()) || !isFloat(n) || !nhwc(n) || n.getInputCount() != 2) {
      return null;
    }
    TensorProto filter = GraphSurgery.constantOf(n.getInput(1), byName);
    if (filter == null || filter.getTensorShape().getDimCount() != 4) {
      return null;
    }
    long[] shape =
        filter.getTensorShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray();
    float[] values = floats(filter, shape[0] * shape[1] * shape[2] * shape[3]);
    if (values == null) {
      return null;
    }
    double[] b =
        bias == null ? null : broadcast(bias, new ConvChain(n, values, shape, null).channels());
    if (bias != null && b == null) {
      return null;
    }
    return new ConvChain(n, values, shape, b);
  }

  private static boolean single(NodeDef n, Map<String, List<String>> consumers) {
    return consumers.getOrDefault(n.getName(), List.of()).size() == 1;
  }

  private static boolean isFloat(NodeDef n) {
    return !n.containsAttr("T") || n.getAttrOrThrow("T").getType() == DataType.DT_FLOAT;
  }

  private static boolean nhwc(NodeDef n) {
    return !n.containsAttr("data_format")
        || n.getAttrOrThrow("data_format").getS().toStringUtf8().equals("NHWC");
  }

  private static double[] broadcast(double[] v, int channels) {
    if (v == null) {
      return null;
    }
    if (v.length == channels) {
      return v;
    }
    if (v.length == 1) {
      double[] out = new double[channels];
      java.util.Arrays.fill(out, v[0]);
      return out;
    }
    return null;
  }

  /**
   * A float constant that broadcasts along the channel axis only (shape [], [C] or [1, .., 1, C]),
   * reached directly or through Identity; null otherwise.
   */
  private static double[] channelConstant(String input, Map<String, NodeDef> byName) {
    TensorProto t = GraphSurgery.constantOf(input, byName);
    if (t == null || t.getDtype() != DataType.DT_FLOAT) {
      return null;
    }
    List<TensorShapeProto.Dim> dims = t.getTensorShape().getDimList();
    if (dims.size() > 4) {
      return null;
    }
    long size = 1;
    for (int i = 0; i < dims.size(); i++) {
      if (i < dims.size() - 1 && dims.get(i).getSize() != 1) {
        return null;
      }
      size *= dims.get(i).getSize();
    }
    float[] f = floats(t, size);
    if (f == null) {
      return null;
    }
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** The float values of {@code t}, {@code size} of them, or null when it holds no floats. */
  private static float[] floats(TensorProto t, long size) {
    if (t.getDtype() != DataType.DT_FLOAT || size > Integer.MAX_VALUE) {
      return null;
    }
    float[] out = new float[(int) size];
    if (!t.getTensorContent().isEmpty()) {
      if (t.getTensorContent().size() != size * 4) {
        return null;
      }
      t.getTensorContent()
          .asReadOnlyByteBuffer()
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(out);
      return out;
    }
    int n = t.getFloatValCount();
    if (n == 0 && size > 0) {
      return out; // all zeros
    }
    for (int i = 0; i < out.length; i++) {
      // A short float_val repeats its last value (TensorProto's convention).
      out[i] = t.getFloatVal(Math.min(i, n - 1));
    }
    return out;
  }

  private static NodeDef constant(String name, float[] values, long[] shape) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : shape) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    TensorProto t =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_FLOAT)
            .setTensorShape(s)
            .setTensorContent(ByteString.copyFrom(bytes))
            .build();
    return NodeDef.newBuilder()
        .setName(name)
        .setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(t).build())
        .build();
  }

  private static String unique(String name, Set<String> names) {
    String n = name;
    for (int i = 1; !names.add(n); i++) {
      n = name + "_" + i;
    }
    return n;
  }
}
