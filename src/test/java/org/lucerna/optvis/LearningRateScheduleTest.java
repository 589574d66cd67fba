package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.PreparedModel;
import org.lucerna.testing.TestModels;

class LearningRateScheduleTest {
  @Test
  void constantIsOneAtEveryStep() {
    for (int step = 1; step <= 7; step++) {
      assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(step, 7));
    }
  }

  @Test
  void aWarmUpRisesLinearlyThenTheCosineFallsToItsFloorAtTheLastStep() {
    LearningRateSchedule s = new LearningRateSchedule(0.25, 0.1);
    double[] f = new double[16];
    for (int step = 1; step <= 16; step++) {
      f[step - 1] = s.factor(step, 16);
    }
    // Warm-up over the first 4 steps: 1/4, 2/4, 3/4, 1.
    assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0}, Arrays.copyOf(f, 4), 1e-12);
    // The decay starts at the full rate and ends at the floor, falling all the way.
    assertEquals(1.0, f[4], 1e-12);
    assertEquals(0.1, f[15], 1e-12);
    for (int i = 5; i < 16; i++) {
      assertTrue(f[i] < f[i - 1], Arrays.toString(f));
    }
    // Half way through the decay, half way down (a cosine is symmetric about its middle).
    assertEquals(0.55, new LearningRateSchedule(0, 0.1).factor(6, 11), 1e-12);
  }

  @Test
  void aOneStepRenderAndOutOfRangeSchedules() {
    assertEquals(1.0, new LearningRateSchedule(0, 0.1).factor(1, 1));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0.6, 1));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, -0.1));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, 1.5));
  }

  /**
   * The schedule is fed step by step: one plan renders both with and without it, a schedule that
   * keeps the rate is the constant render bit for bit, and one that decays ends elsewhere.
   */
  @Test
  void oneplanRendersEverySchedule() {
    PreparedModel model = TestModels.tinyCnn();
    Objective objective = Objectives.channel("conv2", 5);
    try (Plan plan =
        Plan.build(
            model,
            PlanSpec.of(32, 32, 1, objective)
                .withTransforms(org.lucerna.optvis.transform.Transforms.standard()),
            ExecutionOptions.CPU_DEFAULT)) {
      RenderSettings constant = new RenderSettings(24, 3, 0.05, List.of());
      float[] a = plan.render(objective, constant, RenderListener.NONE).image().pixels();
      float[] b =
          plan.render(
                  objective,
                  constant.withSchedule(new LearningRateSchedule(0, 1)),
                  RenderListener.NONE)
              .image()
              .pixels();
      RenderResult decayed =
          plan.render(
              objective,
              constant.withSchedule(new LearningRateSchedule(0.1, 0.1)),
              RenderListener.NONE);
      assertArrayEquals(a, b);
      assertTrue(!Arrays.equals(a, decayed.image().pixels()));
      assertTrue(
          decayed.objectives()[23] > decayed.objectives()[0],
          "the objective still rises: " + Arrays.toString(decayed.objectives()));
    }
  }
}
