package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.PreparedModel;
import org.lucerna.testing.TestModels;

class PlanTest {
  private final PreparedModel model = TestModels.tinyCnn();

  @Test
  void channelObjectiveRisesOverTheRender() {
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(48, 48, 1, Objectives.channel("conv2", 0)),
            ExecutionOptions.CPU_DEFAULT)) {
      RenderResult result =
          plan.render(
              Objectives.channel("conv2", 5), new RenderSettings(40, 1), RenderListener.NONE);
      assertEquals(40, result.objectives().length);
      assertTrue(
          result.lastObjective() > result.firstObjective() + 0.1,
          "first " + result.firstObjective() + ", last " + result.lastObjective());
    }
  }

  @Test
  void sameSeedGivesTheSameImageBitForBitAndAnotherSeedDoesNot() {
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(32, 32, 1, Objectives.channel("conv3", 0)),
            ExecutionOptions.CPU_DEFAULT)) {
      Objective objective = Objectives.channel("conv3", 11);
      RenderResult a = plan.render(objective, new RenderSettings(10, 7), RenderListener.NONE);
      RenderResult b = plan.render(objective, new RenderSettings(10, 7), RenderListener.NONE);
      RenderResult c = plan.render(objective, new RenderSettings(10, 8), RenderListener.NONE);
      assertArrayEquals(a.image().pixels(), b.image().pixels());
      assertArrayEquals(a.image().png(0), b.image().png(0));
      assertNotEquals(a.image().pixels()[0], c.image().pixels()[0]);
    }
  }

  @Test
  void thePlansOnlyVariablesAreTheImageParametersAdamsSlotsAndTheTransparencyMap() {
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(16, 16, 1, Objectives.channel("conv2", 0)),
            ExecutionOptions.CPU_DEFAULT)) {
      java.util.List<String> variables = new java.util.ArrayList<>();
      plan.graph()
          .operations()
          .forEachRemaining(
              op -> {
                if (op.type().startsWith("Variable") || op.type().equals("VarHandleOp")) {
                  variables.add(op.name());
                }
              });
      java.util.Collections.sort(variables);
      // The transparency map is the one variable besides the parameters and the optimizer's slots.
      assertEquals(
          List.of("lucerna/adam_m", "lucerna/adam_v", "lucerna/attribution", "lucerna/params"),
          variables);
    }
  }

  /**
   * The gradient ops TensorFlow adds, the normalized gradient's and the redirected ReLU's calls
   * included.
   */
  @Test
  void opsArePlacedOnTheConfiguredDevice() {
    PlanSpec plain = PlanSpec.of(16, 16, 1, Objectives.channel("conv2", 0));
    for (PlanSpec spec :
        List.of(plain, plain.withNormalizedGradient(true).withRedirectedRelu(true))) {
      try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
        java.util.Set<String> devices = new java.util.TreeSet<>();
        java.util.Set<String> types = new java.util.HashSet<>();
        plan.graph()
            .operations()
            .forEachRemaining(
                op -> {
                  devices.add(op.device());
                  types.add(op.type());
                });
        assertEquals(java.util.Set.of("/device:CPU:0"), devices);
        assertEquals(
            spec.redirectedRelu(),
            types.contains("PartitionedCall") && types.contains("SymbolicGradient"),
            "function calls " + types);
      }
    }
  }

  @Test
  void snapshotsAreTakenAtTheStepsAskedFor() {
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(24, 24, 1, Objectives.channel("conv1", 0)),
            ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r =
          plan.render(
              Objectives.channel("conv1", 0),
              new RenderSettings(5, 3, 0.05, List.of(4, 2)),
              RenderListener.NONE);
      assertEquals(List.of(2, 4), List.copyOf(r.snapshots().keySet()));
    }
  }

  @Test
  void aChannelOutsideTheLayerIsRefused() {
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(16, 16, 1, Objectives.channel("conv1", 0)),
            ExecutionOptions.CPU_DEFAULT)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  plan.render(
                      Objectives.channel("conv1", 16),
                      new RenderSettings(1, 1),
                      RenderListener.NONE));
      assertTrue(e.getMessage().contains("16 channels"), e.getMessage());
    }
  }

  @Test
  void aListenerCanStopTheRender() {
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(16, 16, 1, Objectives.channel("conv1", 0)),
            ExecutionOptions.CPU_DEFAULT)) {
      int[] steps = {0};
      RenderListener stopAfterThree =
          new RenderListener() {
            @Override
            public void onStep(int step, int total, double objective) {
              steps[0] = step;
            }

            @Override
            public boolean stopRequested() {
              return steps[0] >= 3;
            }
          };
      RenderCancelledException e =
          assertThrows(
              RenderCancelledException.class,
              () ->
                  plan.render(
                      Objectives.channel("conv1", 0), new RenderSettings(100, 1), stopAfterThree));
      assertEquals(3, e.step());
    }
  }
}
