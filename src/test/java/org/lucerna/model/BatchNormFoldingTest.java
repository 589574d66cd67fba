package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lucerna.model.tfjs.ModelZoo;
import org.lucerna.testing.TestModels;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * Batch normalization folded into the convolution before it: every layer of the prepared model
 * gives the values of the unfolded model within 1e-4 of the layer's largest value, the catalog
 * keeps its names, and the path from the input to the output holds no normalization any more.
 */
class BatchNormFoldingTest {
  private static final double RELATIVE = 1e-4;

  /** The zoo models from npm (skipped with a message when npm cannot get them). */
  @ParameterizedTest
  @ValueSource(strings = {"mobilenet_v2", "inception_v3"})
  void zooModelsKeepTheirValues(String name) throws Exception {
    TestModels.installZoo();
    Path dir = TestModels.ROOT.resolve(name).resolve(String.valueOf(ModelZoo.VERSION));
    ModelId id = new ModelId(name, ModelZoo.VERSION);
    PreparedModel unfolded =
        SavedModelLoader.load(dir, id, LoadOptions.DEFAULT, ModelMetadata.DEFAULT, false);
    PreparedModel folded =
        SavedModelLoader.load(dir, id, LoadOptions.DEFAULT, ModelMetadata.DEFAULT, true);

    String last = lastLayer(unfolded).output();
    long mulsBefore = ops(unfolded.graphFor(List.of(last)), "Mul");
    long mulsAfter = ops(folded.graphFor(List.of(last)), "Mul");
    System.out.printf(
        "%s: live Mul ops %d -> %d, graph %d -> %d bytes%n",
        name, mulsBefore, mulsAfter, unfolded.sizeBytes(), folded.sizeBytes());
    assertTrue(mulsBefore > 10, name + " has its batch norms as Mul/Add: " + mulsBefore);
    assertEquals(0, mulsAfter, name + ": every batch norm folded");
    assertTrue(
        ops(folded.graphFor(List.of(last)), "BiasAdd")
            >= ops(unfolded.graphFor(List.of(last)), "BiasAdd") + mulsBefore,
        "each folded normalization is a BiasAdd");

    int size = (int) unfolded.input().height();
    assertAllLayersAgree(unfolded, folded, Shape.of(1, size, size, 3));
  }

  /** The shared models have no batch normalization: preparing them gives the same graph. */
  @Test
  void sharedModelsWithoutBatchNormAreUnchanged() {
    for (String name : List.of("cifar10_cnn", "rtvsrgan_2x", "mnist_softmax_tf1")) {
      LoadOptions options =
          name.equals("mnist_softmax_tf1") ? SharedModels.MNIST_OPTIONS : LoadOptions.DEFAULT;
      Path dir = SharedModels.DIR.resolve(name);
      ModelId id = new ModelId(name, 1);
      PreparedModel unfolded =
          SavedModelLoader.load(dir, id, options, ModelMetadata.DEFAULT, false);
      PreparedModel folded = SavedModelLoader.load(dir, id, options, ModelMetadata.DEFAULT, true);
      assertEquals(unfolded.graph(), folded.graph(), name);
      assertEquals(names(unfolded), names(folded), name);
    }
    PreparedModel cifar = SharedModels.prepared("cifar10_cnn", LoadOptions.DEFAULT);
    PreparedModel cifarUnfolded =
        SavedModelLoader.load(
            SharedModels.DIR.resolve("cifar10_cnn"),
            new ModelId("cifar10_cnn", 1),
            LoadOptions.DEFAULT,
            ModelMetadata.DEFAULT,
            false);
    assertAllLayersAgree(cifarUnfolded, cifar, Shape.of(2, 32, 32, 3));
  }

  /**
   * The forms the zoo does not have: FusedBatchNormV3 after a convolution, and a multiply and
   * subtract after a depthwise convolution with a bias, each followed by a ReLU.
   */
  @Test
  void fusedBatchNormAndMulSubAfterConvolutionsFold() {
    GraphDef def;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.withName("input").placeholder(TFloat32.class);
      Operand<TFloat32> conv =
          tf.withSubScope("conv")
              .withName("Conv2D")
              .nn
              .conv2d(x, constant(tf, 3, 3, 3, 8), List.of(1L, 1L, 1L, 1L), "SAME");
      FusedBatchNorm<TFloat32, TFloat32> bn =
          tf.withSubScope("bn")
              .withName("FusedBatchNormV3")
              .nn
              .fusedBatchNorm(
                  conv,
                  constant(tf, 8),
                  constant(tf, 8),
                  constant(tf, 8),
                  positive(tf, 8),
                  FusedBatchNorm.isTraining(false),
                  FusedBatchNorm.epsilon(1e-3f));
      Operand<TFloat32> r1 = tf.withSubScope("act").withName("Relu").nn.relu(bn.y());
      Operand<TFloat32> dw =
          tf.withSubScope("dw")
              .withName("depthwise")
              .nn
              .depthwiseConv2dNative(r1, constant(tf, 3, 3, 8, 2), List.of(1L, 1L, 1L, 1L), "SAME");
      Operand<TFloat32> biased =
          tf.withSubScope("dw").withName("BiasAdd").nn.biasAdd(dw, constant(tf, 16));
      Operand<TFloat32> mul =
          tf.withSubScope("bn2").withName("mul").math.mul(constant(tf, 16), biased);
      Operand<TFloat32> sub =
          tf.withSubScope("bn2").withName("sub").math.sub(mul, constant(tf, 16));
      tf.withSubScope("act2").withName("Relu").nn.relu(sub);
      def = g.toGraphDef();
    }
    GraphDef sorted = GraphSurgery.pruneAndSort(def, List.of("act2/Relu"));
    BatchNormFolder.Folded folded = BatchNormFolder.fold(sorted);
    assertEquals(2, folded.count());
    GraphDef live = GraphSurgery.pruneAndSort(folded.graph(), List.of("act2/Relu"));
    assertEquals(
        List.of(
            "Placeholder", "Conv2D", "BiasAdd", "Relu", "DepthwiseConv2dNative", "BiasAdd", "Relu"),
        live.getNodeList().stream().map(NodeDef::getOp).filter(o -> !o.equals("Const")).toList());
    PreparedModel before = prepared(sorted);
    PreparedModel after = prepared(folded.graph());
    assertEquals(names(before), names(after));
    assertAllLayersAgree(before, after, Shape.of(2, 9, 9, 3));
  }

  private static PreparedModel prepared(GraphDef def) {
    return new PreparedModel(
        new ModelId("t", 1),
        def,
        new InputSpec("input", new long[] {-1, 9, 9, 3}),
        LayerCatalog.of("t", def, "input"),
        ModelMetadata.DEFAULT);
  }

  private static int seed = 1;

  private static Operand<TFloat32> constant(Ops tf, long... shape) {
    float[] v = SharedModels.noise((int) Shape.of(shape).size(), seed++);
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] * 2 - 1;
    }
    return tf.constant(Shape.of(shape), DataBuffers.of(v));
  }

  private static Operand<TFloat32> positive(Ops tf, int n) {
    float[] v = SharedModels.noise(n, seed++);
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.1f + v[i];
    }
    return tf.constant(Shape.of(n), DataBuffers.of(v));
  }

  private static LayerInfo lastLayer(PreparedModel m) {
    LayerInfo last = null;
    for (LayerInfo l : m.layers().all()) {
      last = l;
    }
    return last;
  }

  private static long ops(GraphDef def, String op) {
    return def.getNodeList().stream().filter(n -> n.getOp().equals(op)).count();
  }

  private static List<String> names(PreparedModel m) {
    return m.layers().all().stream().map(LayerInfo::name).toList();
  }

  /**
   * Every layer of {@code unfolded}, by its name in both catalogs, within {@link #RELATIVE} of the
   * layer's largest absolute value.
   */
  private static void assertAllLayersAgree(
      PreparedModel unfolded, PreparedModel folded, Shape shape) {
    assertEquals(names(unfolded), names(folded), "the catalog keeps its layer names");
    float[] input = SharedModels.noise((int) shape.size(), 7);
    Map<String, float[]> a = runAll(unfolded, shape, input);
    Map<String, float[]> b = runAll(folded, shape, input);
    List<String> worst = new ArrayList<>();
    double worstRel = 0;
    for (String layer : a.keySet()) {
      float[] x = a.get(layer);
      float[] y = b.get(layer);
      assertEquals(x.length, y.length, layer);
      double diff = 0;
      double scale = 0;
      for (int i = 0; i < x.length; i++) {
        diff = Math.max(diff, Math.abs(x[i] - y[i]));
        scale = Math.max(scale, Math.abs(x[i]));
      }
      double rel = scale == 0 ? diff : diff / scale;
      worstRel = Math.max(worstRel, rel);
      if (rel > RELATIVE) {
        worst.add(layer + " " + rel);
      }
    }
    System.out.printf(
        "%s: %d layers, worst relative difference %.2e%n", unfolded.id(), a.size(), worstRel);
    assertTrue(worst.isEmpty(), "layers beyond " + RELATIVE + ": " + worst);
  }

  private static Map<String, float[]> runAll(PreparedModel m, Shape shape, float[] input) {
    Map<String, float[]> out = new LinkedHashMap<>();
    List<LayerInfo> layers = List.copyOf(m.layers().all());
    Set<String> outputs = layers.stream().map(LayerInfo::output).collect(Collectors.toSet());
    try (Graph g = new Graph()) {
      g.importGraphDef(m.graphFor(outputs));
      try (Session s = new Session(g);
          TFloat32 x = TFloat32.tensorOf(shape, DataBuffers.of(input))) {
        // A few layers per run: every layer's activations at once would not fit a small heap.
        for (int from = 0; from < layers.size(); from += 16) {
          List<LayerInfo> part = layers.subList(from, Math.min(layers.size(), from + 16));
          Session.Runner runner = s.runner().feed(m.input().node() + ":0", x);
          part.forEach(l -> runner.fetch(l.output()));
          try (Result r = runner.run()) {
            for (int i = 0; i < part.size(); i++) {
              TFloat32 t = (TFloat32) r.get(i);
              float[] v = new float[(int) t.size()];
              t.asRawTensor().data().asFloats().read(v);
              out.put(part.get(i).name(), v);
            }
          }
        }
      }
    }
    return out;
  }
}
