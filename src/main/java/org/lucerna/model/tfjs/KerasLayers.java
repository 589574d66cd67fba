package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * The ops of one Keras layer, in the layer's name scope, computing what Keras (and TF.js) compute
 * at inference: dropout is the identity and batch normalization uses the moving statistics. Weights
 * become VariableV2 nodes named {@code <layer>/<weight>}, filled before export through placeholders
 * kept out of the layer scopes (a constant initializer would store every weight a second time in
 * saved_model.pb).
 */
final class KerasLayers {

  /** A variable and the value the importer assigns to it before export. */
  record VariableInit(
      Variable<TFloat32> variable,
      Placeholder<TFloat32> value,
      Assign<TFloat32> assign,
      WeightStore.Weight weight) {}

  private final Ops init;
  private final WeightStore weights;
  private final List<VariableInit> variables = new ArrayList<>();

  KerasLayers(Ops root, WeightStore weights) {
    this.init = root.withSubScope("tfjs_import_init");
    this.weights = weights;
  }

  List<VariableInit> variables() {
    return List.copyOf(variables);
  }

  Operand<TFloat32> build(
      Ops t, List<String> scope, String cls, JsonNode c, List<Operand<TFloat32>> in) {
    Layer layer = new Layer(t, scope, cls, c);
    if (!cls.equals("Add") && !cls.equals("Concatenate") && in.size() != 1) {
      throw layer.unsupported("it takes " + in.size() + " inputs; this layer class takes one");
    }
    Operand<TFloat32> x = in.get(0);
    return switch (cls) {
      case "Conv2D" -> layer.activate(layer.bias(conv2d(layer, x)));
      case "DepthwiseConv2D" -> layer.activate(layer.bias(depthwise(layer, x, "depthwise_kernel")));
      case "SeparableConv2D" -> layer.activate(layer.bias(separable(layer, x)));
      case "Dense" -> layer.activate(layer.bias(dense(layer, x)));
      case "BatchNormalization" -> batchNorm(layer, x);
      case "Activation" -> layer.activate(x);
      case "ReLU" -> relu(layer, x);
      case "Add" ->
          in.size() == 2
              ? t.withName("add").math.add(in.get(0), in.get(1))
              : t.withName("add").math.addN(in);
      case "Concatenate" -> t.withName("concat").concat(in, t.constant(c.path("axis").asInt(-1)));
      case "MaxPooling2D", "AveragePooling2D" -> pool(layer, x);
      case "GlobalAveragePooling2D" ->
          t.withName("Mean")
              .math
              .mean(
                  x,
                  t.constant(new int[] {1, 2}),
                  Mean.keepDims(c.path("keepdims").asBoolean(false)));
      case "GlobalMaxPooling2D" ->
          t.withName("Max")
              .max(
                  x,
                  t.constant(new int[] {1, 2}),
                  Max.keepDims(c.path("keepdims").asBoolean(false)));
      case "ZeroPadding2D" -> t.withName("Pad").pad(x, t.constant(padding(layer)), t.constant(0f));
      case "Flatten" ->
          t.withName("Reshape").reshape(x, t.constant(new long[] {-1, flatSize(layer, x)}));
      case "Reshape" ->
          t.withName("Reshape").reshape(x, t.constant(targetShape(c.path("target_shape"))));
      case "Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout" ->
          t.withName("Identity").identity(x);
      // Keras' preprocessing layers at the front of a model, as they compute at inference: the
      // augmentations (random flips, rotations, ...) pass the image through unchanged.
      case "Rescaling" ->
          t.withName("add")
              .math
              .add(
                  t.withName("mul").math.mul(x, t.constant((float) number(layer, "scale", 1))),
                  t.constant((float) number(layer, "offset", 0)));
      case "Resizing" -> resize(layer, x);
      case "Normalization" -> normalize(layer, x);
      case "RandomFlip",
          "RandomRotation",
          "RandomZoom",
          "RandomTranslation",
          "RandomContrast",
          "RandomBrightness",
          "RandomCrop" ->
          t.withName("Identity").identity(x);
      default ->
          throw layer.unsupported(
              "the class is not supported; supported: Conv2D, DepthwiseConv2D,"
                  + " SeparableConv2D, Dense, BatchNormalization, Activation, ReLU, Add, Concatenate, MaxPooling2D,"
                  + " AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, ZeroPadding2D, Flatten, Reshape,"
                  + " Dropout, Rescaling, Resizing, Normalization, RandomFlip, RandomRotation,"
                  + " RandomZoom, RandomTranslation, RandomContrast, RandomBrightness, RandomCrop,"
                  + " InputLayer, Sequential, Model");
    };
  }

  /** One layer being built: its scope, class and configuration. */
  private final class Layer {
    final Ops t;
    final List<String> scope;
    final String cls;
    final JsonNode c;
    final String name;

    Layer(Ops t, List<String> scope, String cls, JsonNode c) {
      this.t = t;
      this.scope = scope;
      this.cls = cls;
      this.c = c;
      this.name = scope.get(scope.size() - 1);
    }

    UnsupportedLayerException unsupported(String what) {
      return new UnsupportedLayerException(name, cls, what);
    }

    WeightStore.Weight weight(String param) {
      return weights.get(scope, param, name, cls);
    }

    Variable<TFloat32> variable(String param) {
      return KerasLayers.this.variable(t, weight(param), param);
    }

    Operand<TFloat32> bias(Operand<TFloat32> x) {
      return c.path("use_bias").asBoolean(true)
          ? t.withName("BiasAdd").nn.biasAdd(x, variable("bias"))
          : x;
    }

    Operand<TFloat32> activate(Operand<TFloat32> x) {
      String a = c.path("activation").asText("linear");
      return switch (a) {
        case "linear" -> x;
        case "relu" -> t.withName("Relu").nn.relu(x);
        case "relu6" -> t.withName("Relu6").nn.relu6(x);
        case "sigmoid" -> t.withName("Sigmoid").math.sigmoid(x);
        case "tanh" -> t.withName("Tanh").math.tanh(x);
        case "softmax" -> t.withName("Softmax").nn.softmax(x);
        case "elu" -> t.withName("Elu").nn.elu(x);
        case "selu" -> t.withName("Selu").nn.selu(x);
        case "softplus" -> t.withName("Softplus").math.softplus(x);
        case "softsign" -> t.withName("Softsign").nn.softsign(x);
        case "swish", "silu" -> t.withName("mul").math.mul(x, t.math.sigmoid(x));
        default ->
            throw unsupported(
                "activation '"
                    + a
                    + "' is not supported; supported: linear, relu, relu6,"
                    + " sigmoid, tanh, softmax, elu, selu, softplus, softsign, swish");
      };
    }

    List<Long> pair(String key, long fallback) {
      JsonNode n = c.path(key);
      if (n.isArray() && n.size() == 2) {
        return List.of(1L, n.get(0).asLong(), n.get(1).asLong(), 1L);
      }
      long v = n.isNumber() ? n.asLong() : fallback;
      return List.of(1L, v, v, 1L);
    }

    String padding() {
      String p = c.path("padding").asText("valid");
      if (!p.equals("valid") && !p.equals("same")) {
        throw unsupported("padding '" + p + "' is not supported; supported: valid, same");
      }
      // TensorFlow's SAME is Keras' 'same': the extra row or column of an odd padding goes at the
      // end.
      return p.toUpperCase(java.util.Locale.ROOT);
    }

    void channelsLast() {
      String f = c.path("data_format").asText("channels_last");
      if (!f.equals("channels_last")) {
        throw unsupported(
            "data_format '" + f + "' is not supported; export the model channels_last");
      }
    }
  }

  private static double number(Layer l, String key, double fallback) {
    JsonNode n = l.c.path(key);
    if (n.isMissingNode() || n.isNull()) {
      return fallback;
    }
    if (!n.isNumber()) {
      throw l.unsupported(key + " " + n + " is not supported; supported: a number");
    }
    return n.asDouble();
  }

  /** Keras' Resizing: bilinear or nearest, half-pixel centres, as tf.image.resize. */
  private static Operand<TFloat32> resize(Layer l, Operand<TFloat32> x) {
    if (l.c.path("crop_to_aspect_ratio").asBoolean(false)
        || l.c.path("pad_to_aspect_ratio").asBoolean(false)) {
      throw l.unsupported("crop_to_aspect_ratio and pad_to_aspect_ratio are not supported");
    }
    Operand<org.tensorflow.types.TInt32> size =
        l.t.constant(new int[] {l.c.path("height").asInt(), l.c.path("width").asInt()});
    String interpolation = l.c.path("interpolation").asText("bilinear");
    return switch (interpolation) {
      case "bilinear" ->
          l.t
              .withName("ResizeBilinear")
              .image
              .resizeBilinear(
                  x, size, org.tensorflow.op.image.ResizeBilinear.halfPixelCenters(true));
      case "nearest" ->
          l.t.dtypes.cast(
              l.t
                  .withName("ResizeNearestNeighbor")
                  .image
                  .resizeNearestNeighbor(
                      x,
                      size,
                      org.tensorflow.op.image.ResizeNearestNeighbor.halfPixelCenters(true)),
              TFloat32.class);
      default ->
          throw l.unsupported(
              "interpolation '"
                  + interpolation
                  + "' is not supported; supported: bilinear, nearest");
    };
  }

  /** Keras' Normalization: (x - mean) / sqrt(variance), from its weights or its configuration. */
  private Operand<TFloat32> normalize(Layer l, Operand<TFloat32> x) {
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (l.c.path("mean").isArray() || l.c.path("mean").isNumber()) {
      mean = l.t.constant(floats(l.c.path("mean")));
      variance = l.t.constant(floats(l.c.path("variance")));
    } else {
      mean = l.variable("mean");
      variance = l.variable("variance");
    }
    return l.t
        .withName("truediv")
        .math
        .div(
            l.t.withName("sub").math.sub(x, mean),
            l.t.math.maximum(l.t.math.sqrt(variance), l.t.constant(1e-7f)));
  }

  private static float[] floats(JsonNode n) {
    if (n.isNumber()) {
      return new float[] {(float) n.asDouble()};
    }
    float[] v = new float[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) n.get(i).asDouble();
    }
    return v;
  }

  private Variable<TFloat32> variable(Ops t, WeightStore.Weight w, String param) {
    Variable<TFloat32> v = t.withName(param).variable(Shape.of(w.shape()), TFloat32.class);
    Placeholder<TFloat32> value =
        init.placeholder(TFloat32.class, Placeholder.shape(Shape.of(w.shape())));
    variables.add(new VariableInit(v, value, init.assign(v, value), w));
    return v;
  }

  private Operand<TFloat32> conv2d(Layer l, Operand<TFloat32> x) {
    l.channelsLast();
    return l.t
        .withName("Conv2D")
        .nn
        .conv2d(
            x,
            l.variable("kernel"),
            l.pair("strides", 1),
            l.padding(),
            Conv2d.dilations(l.pair("dilation_rate", 1)));
  }

  private Operand<TFloat32> depthwise(Layer l, Operand<TFloat32> x, String kernel) {
    l.channelsLast();
    List<Long> strides = l.pair("strides", 1);
    List<Long> dilations = l.pair("dilation_rate", 1);
    if (!strides.equals(List.of(1L, 1L, 1L, 1L)) && !dilations.equals(List.of(1L, 1L, 1L, 1L))) {
      throw l.unsupported(
          "strides and dilation_rate both above 1 (TensorFlow's depthwise convolution takes one)");
    }
    return l.t
        .withName("depthwise")
        .nn
        .depthwiseConv2dNative(
            x,
            l.variable(kernel),
            strides,
            l.padding(),
            DepthwiseConv2dNative.dilations(dilations));
  }

  private Operand<TFloat32> separable(Layer l, Operand<TFloat32> x) {
    Operand<TFloat32> d = depthwise(l, x, "depthwise_kernel");
    return l.t
        .withName("Conv2D")
        .nn
        .conv2d(d, l.variable("pointwise_kernel"), List.of(1L, 1L, 1L, 1L), "VALID");
  }

  private Operand<TFloat32> dense(Layer l, Operand<TFloat32> x) {
    if (x.shape().numDimensions() != 2) {
      throw l.unsupported(
          "its input has shape "
              + x.shape()
              + "; Dense is supported on [batch, features]"
              + " inputs (add a Flatten or GlobalAveragePooling2D before it)");
    }
    return l.t.withName("MatMul").linalg.matMul(x, l.variable("kernel"));
  }

  /**
   * Inference-mode batch normalization folded into one scale and one offset per channel, computed
   * in double precision: two cheap ops with gradients. Why not FusedBatchNormV3: Grappler pushes
   * the Mul into the preceding convolution's constant filter, and a render step on InceptionV3 at
   * 299 px took 0.17 to 0.25 s this way against 0.26 to 0.31 s with FusedBatchNormV3. The price is
   * Grappler's harmless "Invalid input ^.../Conv2D" log lines when a plan's gradient graph is
   * optimized.
   */
  private Operand<TFloat32> batchNorm(Layer l, Operand<TFloat32> x) {
    int axis =
        l.c.path("axis").isArray() ? l.c.path("axis").get(0).asInt() : l.c.path("axis").asInt(-1);
    int rank = x.shape().numDimensions();
    if (axis != -1 && axis != rank - 1) {
      throw l.unsupported(
          "it normalizes axis " + axis + "; only the channel axis (last) is supported");
    }
    double epsilon = l.c.path("epsilon").asDouble(1e-3);
    float[] mean = l.weight("moving_mean").values();
    float[] variance = l.weight("moving_variance").values();
    float[] gamma = l.c.path("scale").asBoolean(true) ? l.weight("gamma").values() : null;
    float[] beta = l.c.path("center").asBoolean(true) ? l.weight("beta").values() : null;
    float[] scale = new float[mean.length];
    float[] offset = new float[mean.length];
    for (int i = 0; i < mean.length; i++) {
      double s = (gamma == null ? 1.0 : gamma[i]) / Math.sqrt(variance[i] + epsilon);
      scale[i] = (float) s;
      offset[i] = (float) ((beta == null ? 0.0 : beta[i]) - mean[i] * s);
    }
    long[] shape = {mean.length};
    String prefix = String.join("/", l.scope) + "/";
    Variable<TFloat32> s =
        variable(l.t, new WeightStore.Weight(prefix + "scale", shape, scale), "scale");
    Variable<TFloat32> o =
        variable(l.t, new WeightStore.Weight(prefix + "offset", shape, offset), "offset");
    return l.t.withName("add").math.add(l.t.withName("mul").math.mul(x, s), o);
  }

  private Operand<TFloat32> relu(Layer l, Operand<TFloat32> x) {
    double max = l.c.path("max_value").isNumber() ? l.c.path("max_value").asDouble() : Double.NaN;
    double slope = l.c.path("negative_slope").asDouble(0);
    double threshold = l.c.path("threshold").asDouble(0);
    if (threshold != 0) {
      throw l.unsupported("threshold " + threshold + " is not supported (only 0)");
    }
    if (slope == 0 && max == 6) {
      return l.t.withName("Relu6").nn.relu6(x);
    }
    Operand<TFloat32> y =
        slope == 0
            ? l.t.withName("Relu").nn.relu(x)
            : l.t.withName("LeakyRelu").nn.leakyRelu(x, LeakyRelu.alpha((float) slope));
    return Double.isNaN(max)
        ? y
        : l.t.withName("Minimum").math.minimum(y, l.t.constant((float) max));
  }

  private Operand<TFloat32> pool(Layer l, Operand<TFloat32> x) {
    l.channelsLast();
    List<Long> size = l.pair("pool_size", 2);
    List<Long> strides =
        l.c.path("strides").isNull() || l.c.path("strides").isMissingNode()
            ? size
            : l.pair("strides", 1);
    String padding = l.padding();
    if (l.cls.equals("AveragePooling2D")) {
      return l.t.withName("AvgPool").nn.avgPool(x, size, strides, padding);
    }
    // MaxPool, not tf.nn.maxPool's MaxPoolV2: oneDNN only replaces the former.
    return l.t
        .scope()
        .opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", size.stream().mapToLong(Long::longValue).toArray())
        .setAttr("strides", strides.stream().mapToLong(Long::longValue).toArray())
        .setAttr("padding", padding)
        .build()
        .<TFloat32>output(0);
  }

  /**
   * ZeroPadding2D's padding: {@code p}, {@code [h, w]} or {@code [[top, bottom], [left, right]]}.
   */
  private static int[][] padding(Layer l) {
    l.channelsLast();
    JsonNode p = l.c.path("padding");
    int top, bottom, left, right;
    if (p.isNumber()) {
      top = bottom = left = right = p.asInt();
    } else if (p.isArray() && p.size() == 2 && p.get(0).isNumber()) {
      top = bottom = p.get(0).asInt();
      left = right = p.get(1).asInt();
    } else if (p.isArray() && p.size() == 2) {
      top = p.get(0).get(0).asInt();
      bottom = p.get(0).get(1).asInt();
      left = p.get(1).get(0).asInt();
      right = p.get(1).get(1).asInt();
    } else {
      throw l.unsupported(
          "padding " + p + " is not an int, [h, w] or [[top, bottom], [left, right]]");
    }
    return new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}};
  }

  private static long flatSize(Layer l, Operand<TFloat32> x) {
    Shape s = x.shape();
    long n = 1;
    for (int i = 1; i < s.numDimensions(); i++) {
      if (s.get(i) < 0) {
        throw l.unsupported(
            "its input shape "
                + s
                + " is not fixed; give the model a fixed input size"
                + " (batch_input_shape) or use GlobalAveragePooling2D");
      }
      n *= s.get(i);
    }
    return n;
  }

  private static long[] targetShape(JsonNode target) {
    long[] shape = new long[target.size() + 1];
    shape[0] = -1;
    for (int i = 0; i < target.size(); i++) {
      shape[i + 1] = target.get(i).asLong();
    }
    return shape;
  }
}
