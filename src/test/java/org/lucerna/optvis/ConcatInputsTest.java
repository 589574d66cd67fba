package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lucerna.model.ConcatInput;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/**
 * InceptionV3's {@code mixed4} concatenates four branches of 192 channels. A plan for one of its
 * channels reads that channel's branch alone: the other branches are not in its graph, and the
 * render gives the whole layer's values step by step.
 */
class ConcatInputsTest {

  @Test
  void aChannelOfMixed4IsRenderedFromItsBranchAloneWithTheSameValues() throws Exception {
    PreparedModel model = TestModels.zooModel("inception_v3");
    List<ConcatInput> inputs = model.concatInputs(model.layers().get("mixed4"));
    assertEquals(List.of(0, 192, 384, 576), inputs.stream().map(ConcatInput::offset).toList());
    assertTrue(inputs.stream().allMatch(i -> i.channels() == 192), inputs.toString());
    assertEquals(List.of(), model.concatInputs(model.layers().get("conv2d_1")), "not a concat");

    Objective channel = Objectives.channel("mixed4", 97);
    PlanSpec whole = PlanSpec.of(64, 64, 1, channel).withTransforms(Transforms.standard());
    PlanSpec narrowed = whole.readingConcatInputs(model, channel);
    assertEquals(Map.of("mixed4", 0), narrowed.concatInputs());
    assertEquals(
        Map.of("mixed4", 1),
        whole.readingConcatInputs(model, Objectives.channel("mixed4", 200)).concatInputs());
    // Terms that read every channel, or channels of two branches, read the whole layer.
    Objective twoBranches = Objectives.weightedChannels("mixed4", new double[][] {row(191, 192)});
    assertEquals(
        Map.of(),
        PlanSpec.of(64, 64, 1, twoBranches).readingConcatInputs(model, twoBranches).concatInputs());
    Objective dream = Objectives.deepDream("mixed4");
    assertEquals(
        Map.of(), PlanSpec.of(64, 64, 1, dream).readingConcatInputs(model, dream).concatInputs());

    Objective second = Objectives.channel("mixed4", 200);
    try (Plan full = Plan.build(model, whole, ExecutionOptions.CPU_DEFAULT);
        Plan branch = Plan.build(model, narrowed, ExecutionOptions.CPU_DEFAULT);
        Plan secondBranch =
            Plan.build(
                model, whole.readingConcatInputs(model, second), ExecutionOptions.CPU_DEFAULT)) {
      long convsFull = convolutions(full);
      long convsBranch = convolutions(branch);
      // mixed4's other branches hold 9 of its 10 convolutions: none of them in the narrowed plan.
      assertEquals(9, convsFull - convsBranch, "convolutions " + convsFull + " -> " + convsBranch);

      RenderSettings settings = new RenderSettings(4, 3);
      assertSameValues(full, branch, channel, settings);
      // The second branch's channels start at 192: its channel 8 is the layer's channel 200.
      assertSameValues(full, secondBranch, second, settings);

      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  branch.render(Objectives.channel("mixed4", 300), settings, RenderListener.NONE));
      assertTrue(e.getMessage().contains("channels 0 to 191"), e.getMessage());
    }
  }

  private static void assertSameValues(
      Plan full, Plan branch, Objective objective, RenderSettings settings) {
    double[] a = full.render(objective, settings, RenderListener.NONE).objectives();
    double[] b = branch.render(objective, settings, RenderListener.NONE).objectives();
    // The first step sees the same image: the same value. Later images differ by the rounding of
    // other kernels (about 4e-4 of the value by step 3), as a render on another machine would.
    assertEquals(a[0], b[0], 1e-5 * Math.abs(a[0]), objective + ", step 1");
    for (int i = 1; i < a.length; i++) {
      assertEquals(a[i], b[i], 3e-3 * Math.abs(a[i]), objective + ", step " + (i + 1));
    }
  }

  private static double[] row(int... ones) {
    double[] w = new double[768];
    for (int c : ones) {
      w[c] = 1;
    }
    return w;
  }

  /** The forward convolutions of the model in a plan's graph. */
  private static long convolutions(Plan plan) {
    List<String> convs = new java.util.ArrayList<>();
    plan.graph()
        .operations()
        .forEachRemaining(
            op -> {
              if (op.type().equals("Conv2D") && op.name().startsWith("model/")) {
                convs.add(op.name());
              }
            });
    return convs.size();
  }
}
