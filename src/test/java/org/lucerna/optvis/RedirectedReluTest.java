package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.InputSpec;
import org.lucerna.model.LayerCatalog;
import org.lucerna.model.ModelId;
import org.lucerna.model.ModelMetadata;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ParamSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Check 6 of the reference: the redirected-ReLU table, the ordinary gradient when the flag is off,
 * and a render that wakes a dead unit. A delta of 0 compares values, so that the −0 of a masked
 * product equals 0.
 */
class RedirectedReluTest {

  /** Rows are batch elements of one value each: (incoming gradient, x) → gradient reaching x. */
  @Test
  void reluFollowsLucidsTable() {
    float[][] x = {{-1}, {-1}, {1}, {1}};
    float[][] incoming = {{1}, {-1}, {1}, {-1}};
    assertArrayEquals(new float[] {0, -1, 1, -1}, gradient("Relu", x, incoming, true), 0f);
    assertArrayEquals(new float[] {0, 0, 1, -1}, gradient("Relu", x, incoming, false), 0f);
  }

  @Test
  void relu6AlsoRedirectsFromAboveSix() {
    float[][] x = {{-1}, {-1}, {1}, {1}, {7}, {7}};
    float[][] incoming = {{1}, {-1}, {1}, {-1}, {1}, {-1}};
    assertArrayEquals(new float[] {0, -1, 1, -1, 1, 0}, gradient("Relu6", x, incoming, true), 0f);
    assertArrayEquals(new float[] {0, 0, 1, -1, 0, 0}, gradient("Relu6", x, incoming, false), 0f);
  }

  /**
   * Redirection is per batch element: one with any ordinary gradient keeps the ordinary gradient.
   */
  @Test
  void anElementWithAnOrdinaryGradientKeepsIt() {
    float[][] x = {{-1, 2}, {-1, -3}};
    float[][] incoming = {{-1, 1}, {-1, 1}};
    assertArrayEquals(new float[] {0, 1, -1, 0}, gradient("Relu", x, incoming, true), 0f);
  }

  @Test
  void theRewrittenGraphComputesTheSameValues() {
    float[][] x = {{-1.5f, 0.25f, 3f, 8f}};
    try (Graph g = rewritten("Relu6", 4);
        Session s = new Session(g);
        TFloat32 in = TFloat32.tensorOf(StdArrays.ndCopyOf(x));
        Result r = s.runner().feed("x", in).fetch("act").run()) {
      float[] out = new float[4];
      ((TFloat32) r.get(0)).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
      assertArrayEquals(new float[] {0, 0.25f, 3f, 6f}, out, 0f);
    }
  }

  /**
   * A unit that is dead on every image near grey (the sum of the three channels minus 2 is below 0)
   * never moves under the ordinary gradient, and wakes up within the redirected steps.
   */
  @Test
  void aDeadUnitWakesUpOnlyWithTheRedirectedGradient() {
    PreparedModel model = deadUnitModel();
    PlanSpec spec =
        PlanSpec.of(16, 16, 1, Objectives.channel("dead", 0))
            .withParam(ParamSpec.pixel(false, ParamSpec.Squash.SIGMOID));
    RenderSettings settings = new RenderSettings(24, 3, 0.1, List.of());
    double[] plain;
    try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
      plain =
          plan.render(Objectives.channel("dead", 0), settings, RenderListener.NONE).objectives();
    }
    double[] redirected;
    try (Plan plan =
        Plan.build(model, spec.withRedirectedRelu(true), ExecutionOptions.CPU_DEFAULT)) {
      redirected =
          plan.render(Objectives.channel("dead", 0), settings, RenderListener.NONE).objectives();
    }
    assertArrayEquals(new double[24], plain, 0.0, "the ordinary gradient of a dead unit is zero");
    assertEquals(0.0, redirected[0], 0.0, "both start dead");
    assertTrue(
        redirected[Plan.REDIRECTED_STEPS - 1] > 0,
        "awake within the redirected steps: " + java.util.Arrays.toString(redirected));
    assertTrue(
        redirected[23] > redirected[Plan.REDIRECTED_STEPS - 1],
        "the ordinary gradient goes on raising it: " + java.util.Arrays.toString(redirected));
  }

  /** {@code dead = relu(r + g + b − 2)} as a 1×1 convolution, on any image size. */
  private static PreparedModel deadUnitModel() {
    GraphDef def;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input =
          tf.withName("input")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 3)));
      Ops dead = tf.withSubScope("dead");
      Operand<TFloat32> conv =
          dead.nn.conv2d(
              input,
              dead.constant(new float[][][][] {{{{1}, {1}, {1}}}}),
              List.of(1L, 1L, 1L, 1L),
              "SAME");
      dead.nn.relu(dead.nn.biasAdd(conv, dead.constant(new float[] {-2f})));
      def = g.toGraphDef();
    }
    return new PreparedModel(
        new ModelId("dead_unit", 1),
        def,
        new InputSpec("input", new long[] {-1, -1, -1, 3}),
        LayerCatalog.of("dead_unit", def, "input"),
        ModelMetadata.DEFAULT);
  }

  private static float[] gradient(String op, float[][] x, float[][] incoming, boolean redirect) {
    int width = x[0].length;
    try (Graph g = rewritten(op, width)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> dy =
          tf.withName("dy").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, width)));
      Output<?> dx =
          g.addGradients(
                  "grad",
                  new Output<?>[] {g.outputOrThrow("act")},
                  new Output<?>[] {g.outputOrThrow("x")},
                  new Output<?>[] {dy.asOutput()})[0];
      try (Session s = new Session(g);
          TFloat32 in = TFloat32.tensorOf(StdArrays.ndCopyOf(x));
          TFloat32 d = TFloat32.tensorOf(StdArrays.ndCopyOf(incoming));
          TFloat32 flag = TFloat32.scalarOf(redirect ? 1f : 0f)) {
        Session.Runner run = s.runner().feed("x", in).feed("dy", d).fetch(dx);
        if (redirect) {
          run.feed(RedirectedRelu.FLAG, flag);
        }
        try (Result r = run.run()) {
          TFloat32 t = (TFloat32) r.get(0);
          assertEquals(x.length * width, t.shape().size());
          float[] out = new float[x.length * width];
          t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
          return out;
        }
      }
    }
  }

  /** A graph {@code act = op(x)} passed through {@link RedirectedRelu#rewrite}. */
  private static Graph rewritten(String op, int width) {
    GraphDef def;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, width)));
      if (op.equals("Relu")) {
        tf.withName("act").nn.relu(x);
      } else {
        tf.withName("act").nn.relu6(x);
      }
      def = g.toGraphDef();
    }
    Graph g = new Graph();
    g.importGraphDef(RedirectedRelu.rewrite(def));
    return g;
  }
}
