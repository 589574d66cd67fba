package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.NodeDef;

/**
 * TF2 Keras SavedModels of ../shared/models, prepared, checked against TensorFlow's own run, and
 * rendered.
 */
class KerasSavedModelsTest {

  /** What each model is, and what is known about it. */
  enum Saved {
    /**
     * The common case: a Keras CNN saved by TF 2.8 {@code model.save()}, layers inside functions.
     */
    CIFAR10_CNN(
        "cifar10_cnn",
        List.of(-1L, 32L, 32L, 3L),
        List.of(
            "conv2d",
            "max_pooling2d",
            "conv2d_1",
            "max_pooling2d_1",
            "conv2d_2",
            "flatten",
            "dense",
            "dense_1"),
        Map.of("conv2d_1", 64, "dense_1", 10),
        "serving_default_conv2d_input:0",
        Shape.of(2, 32, 32, 3),
        1,
        m -> m.layers().get("dense_1").output(),
        2 * 10,
        Shape.of(1, 32, 32, 3),
        "conv2d_1",
        Shape.of(1, 32, 32, 3),
        new int[][] {{32, 32}},
        30,
        1.5),
    /**
     * A TF 2.0 fully convolutional net of any input size, without keras_metadata.pb, variables in 2
     * shards.
     */
    RTVSRGAN_2X(
        "rtvsrgan_2x",
        List.of(-1L, -1L, -1L, 3L),
        List.of("conv_1", "conv_2", "conv_3", "conv_4", "concatenate", "lambda", "tanh_"),
        Map.of("conv_3", 32, "tanh_", 3),
        "serving_default_input_1:0",
        Shape.of(1, 20, 24, 3),
        2,
        m -> "StatefulPartitionedCall:0",
        1 * 40 * 48 * 3,
        Shape.of(1, 12, 16, 3),
        "conv_3",
        Shape.of(1, 16, 16, 3),
        new int[][] {{16, 16}, {24, 40}},
        20,
        1.0);

    final String name;
    final List<Long> inputShape;
    final List<String> layers;
    final Map<String, Integer> channels;
    final String originalFeed;
    final Shape compareShape;
    final long compareSeed;
    final Function<PreparedModel, String> preparedFetch;
    final int outputSize;
    final Shape activationShape;
    final String renderLayer;
    final Shape probeShape;
    final int[][] renderSizes;
    final int renderSteps;

    /** The render must raise the objective above {@code first × gain + 0.05}. */
    final double gain;

    Saved(
        String name,
        List<Long> inputShape,
        List<String> layers,
        Map<String, Integer> channels,
        String originalFeed,
        Shape compareShape,
        long compareSeed,
        Function<PreparedModel, String> preparedFetch,
        int outputSize,
        Shape activationShape,
        String renderLayer,
        Shape probeShape,
        int[][] renderSizes,
        int renderSteps,
        double gain) {
      this.name = name;
      this.inputShape = inputShape;
      this.layers = layers;
      this.channels = channels;
      this.originalFeed = originalFeed;
      this.compareShape = compareShape;
      this.compareSeed = compareSeed;
      this.preparedFetch = preparedFetch;
      this.outputSize = outputSize;
      this.activationShape = activationShape;
      this.renderLayer = renderLayer;
      this.probeShape = probeShape;
      this.renderSizes = renderSizes;
      this.renderSteps = renderSteps;
      this.gain = gain;
    }

    PreparedModel model() {
      return SharedModels.prepared(name, LoadOptions.DEFAULT);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Saved.class)
  void layersAreListedByTheirKerasNames(Saved saved) {
    List<String> names = saved.model().layers().all().stream().map(LayerInfo::name).toList();
    assertTrue(names.containsAll(saved.layers), names.toString());
    saved.channels.forEach(
        (layer, channels) ->
            assertEquals(channels, saved.model().layers().get(layer).channels(), layer));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Saved.class)
  void thePreparedGraphIsFlatFrozenAndUnplaced(Saved saved) {
    PreparedModel model = saved.model();
    assertEquals(0, model.graph().getLibrary().getFunctionCount());
    for (NodeDef n : model.graph().getNodeList()) {
      assertTrue(
          !n.getOp().contains("Call") && !n.getOp().contains("Variable"),
          n.getName() + " is " + n.getOp());
      assertEquals("", n.getDevice(), n.getName());
    }
    assertEquals(
        "Placeholder",
        model.graph().getNodeList().stream()
            .filter(n -> n.getName().equals(model.input().node()))
            .findFirst()
            .orElseThrow()
            .getOp());
    assertEquals(saved.inputShape, Arrays.stream(model.input().shape()).boxed().toList());
    InputSpec in = model.input();
    assertEquals(saved.inputShape.get(1), in.height());
    assertEquals(saved.inputShape.get(2), in.width());
    assertEquals(saved.inputShape.get(3), in.channels());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Saved.class)
  void thePreparedModelComputesWhatTheSavedModelComputes(Saved saved) {
    Shape shape = saved.compareShape;
    float[] input = SharedModels.noise((int) shape.size(), saved.compareSeed);
    float[] original =
        SharedModels.runOriginal(
            saved.name,
            List.of("serve"),
            saved.originalFeed,
            "StatefulPartitionedCall:0",
            shape,
            input);
    float[] prepared =
        SharedModels.runPrepared(
            saved.model(), saved.preparedFetch.apply(saved.model()), shape, input);
    assertEquals(saved.outputSize, prepared.length);
    SharedModels.assertClose(original, prepared, 1e-5);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Saved.class)
  void preparationChecksEveryLayerOnABlankInput(Saved saved) {
    PreparedModel m = saved.model();
    assertEquals(
        m.layers().all().size(),
        LayerCheck.check(
            m.id(), m.graph(), m.input(), m.layers(), m.metadata(), m.inputDataType()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Saved.class)
  void declaredChannelsAreTheRealActivationDepths(Saved saved) {
    SharedModels.assertChannelsMatchActivations(saved.model(), saved.activationShape);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Saved.class)
  void aRenderRaisesItsObjectiveAtEverySize(Saved saved) {
    PreparedModel model = saved.model();
    int channel = SharedModels.liveChannel(model, saved.renderLayer, saved.probeShape);
    for (int[] size : saved.renderSizes) {
      PlanSpec spec =
          PlanSpec.of(size[0], size[1], 1, Objectives.channel(saved.renderLayer, channel));
      try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
        RenderResult r =
            plan.render(
                Objectives.channel(saved.renderLayer, channel),
                new RenderSettings(saved.renderSteps, 1),
                RenderListener.NONE);
        assertEquals(size[0], r.image().height());
        assertEquals(size[1], r.image().width());
        assertTrue(
            r.lastObjective() > r.firstObjective() * saved.gain + 0.05,
            size[0]
                + "x"
                + size[1]
                + ": first "
                + r.firstObjective()
                + ", last "
                + r.lastObjective());
      }
    }
  }

  @Test
  void cifarsConvolutionsAreSpatialReluLayers() {
    LayerInfo conv = Saved.CIFAR10_CNN.model().layers().get("conv2d_1");
    assertEquals("Relu", conv.opType());
    assertTrue(conv.spatial());
  }

  @Test
  void rawNodeNamesAreLayersToo() {
    PreparedModel model = Saved.CIFAR10_CNN.model();
    LayerInfo byNode = model.layers().get("sequential/conv2d_1/Relu");
    assertEquals(model.layers().get("conv2d_1").output(), byNode.output());
  }
}
