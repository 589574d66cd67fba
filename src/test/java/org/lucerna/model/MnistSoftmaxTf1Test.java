package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A TF 1.2 export: tag set {@code tag}, no signature, the input an inner node ({@code input =
 * Reshape}).
 */
class MnistSoftmaxTf1Test {
  private static final String NAME = "mnist_softmax_tf1";
  private static final ModelId ID = new ModelId(NAME, 1);

  private static PreparedModel model() {
    return SharedModels.prepared(NAME, SharedModels.MNIST_OPTIONS);
  }

  @Test
  void withoutItsTagTheErrorNamesTheTagSetsToChooseFrom() {
    ModelException e =
        assertThrows(
            ModelException.Unusable.class,
            () ->
                SavedModelLoader.load(
                    SharedModels.DIR.resolve(NAME),
                    ID,
                    LoadOptions.DEFAULT,
                    ModelMetadata.DEFAULT));
    assertTrue(
        e.getMessage().contains("[[tag]]") && e.getMessage().contains("'tags'"), e.getMessage());
  }

  @Test
  void withoutAnInputNodeTheErrorSaysToNameOne() {
    ModelException e =
        assertThrows(
            ModelException.Unusable.class,
            () ->
                SavedModelLoader.load(
                    SharedModels.DIR.resolve(NAME),
                    ID,
                    new LoadOptions(List.of("tag"), "serving_default", null),
                    ModelMetadata.DEFAULT));
    assertTrue(
        e.getMessage().contains("'inputNode'") && e.getMessage().contains("Placeholder"),
        e.getMessage());
  }

  @Test
  void theNamedInputBecomesThePlaceholderOfTheRealShape() {
    assertEquals("input", model().input().node());
    assertEquals(
        List.of(-1L, 784L), java.util.Arrays.stream(model().input().shape()).boxed().toList());
    LayerInfo logits = model().layers().get("add");
    assertEquals(10, logits.channels());
    assertTrue(
        model().graph().getNodeList().stream()
            .noneMatch(
                n ->
                    n.getName().startsWith("gradients/")
                        || n.getOp().startsWith("Apply")
                        || n.getOp().equals("VariableV2")));
  }

  @Test
  void thePreparedModelComputesWhatTheSavedModelComputes() {
    Shape shape = Shape.of(3, 784);
    // MNIST-like: a fifth of the pixels lit, as in the digits it was trained on. On dense noise the
    // logits reach 14 and the 784-term sums differ by 1.2e-5 (float32 rounding, 9e-7 relative)
    // because
    // the kernel sums a constant weight matrix in another order than a variable one.
    float[] input = SharedModels.noise((int) shape.size(), 4);
    float[] lit = SharedModels.noise(input.length, 5);
    for (int i = 0; i < input.length; i++) {
      input[i] = lit[i] < 0.2f ? input[i] : 0f;
    }
    float[] original =
        SharedModels.runOriginal(NAME, List.of("tag"), "input:0", "add:0", shape, input);
    float[] prepared = SharedModels.runPrepared(model(), "add:0", shape, input);
    SharedModels.assertClose(original, prepared, 1e-5);
  }

  @Test
  void gradientAscentOnAClassLogitRaisesIt() {
    int digit = 3;
    try (Graph g = new Graph()) {
      g.importGraphDef(model().graph());
      Ops tf = Ops.create(g);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> logits =
          (Operand<TFloat32>) g.outputOrThrow(model().layers().get("add").output());
      float[] oneHot = new float[10];
      oneHot[digit] = 1;
      Operand<TFloat32> logit =
          tf.reduceSum(
              tf.math.mul(logits, tf.constant(new float[][] {oneHot})),
              tf.constant(new int[] {0, 1}));
      Output<?> input = g.outputOrThrow(model().input().node() + ":0");
      Output<?> grad = g.addGradients(logit.asOutput(), new Output<?>[] {input})[0];
      float[] x = new float[784];
      java.util.Arrays.fill(x, 0.5f);
      float first = Float.NaN;
      float last = Float.NaN;
      try (Session s = new Session(g)) {
        for (int step = 0; step < 5; step++) {
          try (TFloat32 in = TFloat32.tensorOf(Shape.of(1, 784), DataBuffers.of(x));
              Result r = s.runner().feed(input, in).fetch(logit).fetch(grad).run()) {
            last = ((TFloat32) r.get(0)).getFloat();
            if (step == 0) {
              first = last;
            }
            float[] dx = new float[784];
            ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(dx);
            for (int i = 0; i < x.length; i++) {
              x[i] = Math.min(1, Math.max(0, x[i] + 0.05f * dx[i]));
            }
          }
        }
      }
      assertTrue(last > first + 0.01, "logit " + digit + ": first " + first + ", last " + last);
    }
  }
}
