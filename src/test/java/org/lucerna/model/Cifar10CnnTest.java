package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.NodeDef;

/** The common case: a Keras CNN saved by TF 2.8 {@code model.save()}, layers inside functions. */
class Cifar10CnnTest {
  private static final String NAME = "cifar10_cnn";

  private static PreparedModel model() {
    return SharedModels.prepared(NAME, LoadOptions.DEFAULT);
  }

  @Test
  void layersAreListedByTheirKerasNames() {
    List<String> names = model().layers().all().stream().map(LayerInfo::name).toList();
    assertTrue(names.containsAll(List.of("conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "conv2d_2",
        "flatten", "dense", "dense_1")), names.toString());
    LayerInfo conv = model().layers().get("conv2d_1");
    assertEquals("Relu", conv.opType());
    assertEquals(64, conv.channels());
    assertTrue(conv.spatial());
    assertEquals(10, model().layers().get("dense_1").channels());
  }

  @Test
  void rawNodeNamesAreLayersToo() {
    LayerInfo byNode = model().layers().get("sequential/conv2d_1/Relu");
    assertEquals(model().layers().get("conv2d_1").output(), byNode.output());
  }

  @Test
  void thePreparedGraphIsFlatFrozenAndUnplaced() {
    assertEquals(0, model().graph().getLibrary().getFunctionCount());
    for (NodeDef n : model().graph().getNodeList()) {
      assertTrue(!n.getOp().contains("Call") && !n.getOp().contains("Variable"), n.getName() + " is " + n.getOp());
      assertEquals("", n.getDevice(), n.getName());
    }
    assertEquals("Placeholder", model().graph().getNodeList().stream()
        .filter(n -> n.getName().equals(model().input().node())).findFirst().orElseThrow().getOp());
    assertEquals(List.of(-1L, 32L, 32L, 3L), java.util.Arrays.stream(model().input().shape()).boxed().toList());
  }

  @Test
  void thePreparedModelComputesWhatTheSavedModelComputes() {
    Shape shape = Shape.of(2, 32, 32, 3);
    float[] input = SharedModels.noise((int) shape.size(), 1);
    float[] original = SharedModels.runOriginal(NAME, List.of("serve"), "serving_default_conv2d_input:0",
        "StatefulPartitionedCall:0", shape, input);
    float[] prepared = SharedModels.runPrepared(model(), model().layers().get("dense_1").output(), shape, input);
    SharedModels.assertClose(original, prepared, 1e-5);
  }

  @Test
  void preparationChecksEveryLayerOnABlankInput() {
    PreparedModel m = model();
    assertEquals(m.layers().all().size(),
        LayerCheck.check(m.id(), m.graph(), m.input(), m.layers(), m.metadata(), m.inputDataType()));
  }

  @Test
  void declaredChannelsAreTheRealActivationDepths() {
    SharedModels.assertChannelsMatchActivations(model(), Shape.of(1, 32, 32, 3));
  }

  @Test
  void aRenderOnConv2d1RaisesItsObjective() {
    int channel = SharedModels.liveChannel(model(), "conv2d_1", Shape.of(1, 32, 32, 3));
    PlanSpec spec = PlanSpec.of(32, 32, 1, Objectives.channel("conv2d_1", channel));
    try (Plan plan = Plan.build(model(), spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r = plan.render(Objectives.channel("conv2d_1", channel), new RenderSettings(30, 1),
          RenderListener.NONE);
      assertTrue(r.lastObjective() > r.firstObjective() * 1.5 + 0.05,
          "first " + r.firstObjective() + ", last " + r.lastObjective());
    }
  }
}
