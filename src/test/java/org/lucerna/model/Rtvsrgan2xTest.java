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

/** A TF 2.0 fully convolutional net of any input size, without keras_metadata.pb, variables in 2 shards. */
class Rtvsrgan2xTest {
  private static final String NAME = "rtvsrgan_2x";

  private static PreparedModel model() {
    return SharedModels.prepared(NAME, LoadOptions.DEFAULT);
  }

  @Test
  void theInputTakesAnyHeightAndWidth() {
    InputSpec in = model().input();
    assertEquals(-1, in.height());
    assertEquals(-1, in.width());
    assertEquals(3, in.channels());
  }

  @Test
  void layersAreNamedAfterTheirKerasFunctions() {
    List<String> names = model().layers().all().stream().map(LayerInfo::name).toList();
    assertTrue(names.containsAll(List.of("conv_1", "conv_2", "conv_3", "conv_4", "concatenate", "lambda", "tanh_")),
        names.toString());
    assertEquals(32, model().layers().get("conv_3").channels());
    assertEquals(3, model().layers().get("tanh_").channels());
  }

  @Test
  void thePreparedModelComputesWhatTheSavedModelComputes() {
    Shape shape = Shape.of(1, 20, 24, 3);
    float[] input = SharedModels.noise((int) shape.size(), 2);
    float[] original = SharedModels.runOriginal(NAME, List.of("serve"), "serving_default_input_1:0",
        "StatefulPartitionedCall:0", shape, input);
    float[] prepared = SharedModels.runPrepared(model(), "StatefulPartitionedCall:0", shape, input);
    assertEquals(1 * 40 * 48 * 3, prepared.length);
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
    SharedModels.assertChannelsMatchActivations(model(), Shape.of(1, 12, 16, 3));
  }

  @Test
  void rendersAtTwoDifferentSizes() {
    int channel = SharedModels.liveChannel(model(), "conv_3", Shape.of(1, 16, 16, 3));
    for (int[] size : new int[][] {{16, 16}, {24, 40}}) {
      try (Plan plan = Plan.build(model(), PlanSpec.of(size[0], size[1], 1, Objectives.channel("conv_3", channel)), ExecutionOptions.CPU_DEFAULT)) {
        RenderResult r = plan.render(Objectives.channel("conv_3", channel), new RenderSettings(20, 1),
            RenderListener.NONE);
        assertEquals(size[0], r.image().height());
        assertEquals(size[1], r.image().width());
        assertTrue(r.lastObjective() > r.firstObjective() + 0.05,
            size[0] + "x" + size[1] + ": first " + r.firstObjective() + ", last " + r.lastObjective());
      }
    }
  }
}
