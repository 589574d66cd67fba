package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.Crops;
import org.lucerna.optvis.transform.Noise;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/** MACO's parametrization, crops, noise and NAdam through the whole plan, on tiny_cnn. */
class MacoRecipeTest {
  private static final PreparedModel MODEL = TestModels.tinyCnn();
  private static final ParamSpec MACO =
      new ParamSpec(ParamSpec.Kind.MACO, 1, true, ParamSpec.Squash.SIGMOID, 1);

  @Test
  void theRecipeRaisesTheObjectiveRepeatsWithTheSeedAndGivesATransparencyMap() {
    Objective objective = Objectives.channel("conv3", 7);
    PlanSpec spec =
        PlanSpec.of(40, 40, 2, objective)
            .withParam(MACO)
            .withTransforms(List.of(new Crops(4, List.of(0.3, 0.8)), new Noise(0.08)))
            .withOptimizer(Optimizer.NADAM);
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderSettings settings = new RenderSettings(40, 3, 0.2, List.of());
      RenderResult r = plan.render(objective, settings, RenderListener.NONE);
      double[] v = r.objectives();
      double first = Arrays.stream(v, 0, 5).average().orElseThrow();
      double last = Arrays.stream(v, v.length - 5, v.length).average().orElseThrow();
      assertTrue(last > first, "first five " + first + ", last five " + last);
      assertEquals(2 * 40 * 40, r.attribution().length);
      for (int b = 0; b < 2; b++) {
        float[] map = r.transparency(b).normalized();
        double mean = 0;
        for (float a : map) {
          assertTrue(a >= 0 && a <= 1);
          mean += a / map.length;
        }
        assertTrue(mean > 0.05, "image " + b + ": mean alpha " + mean);
      }
      // The crops are matrix products, whose CPU gradient sums in a fixed order: the same seed on
      // the same plan repeats the render (CropAndResize's gradient did not, by 0.01 to 0.04 of the
      // mean pixel after these 40 steps).
      RenderResult again = plan.render(objective, settings, RenderListener.NONE);
      assertArrayEquals(r.image().pixels(), again.image().pixels(), 0f);
      assertArrayEquals(r.objectives(), again.objectives(), 0);
    }
  }

  @Test
  void theMacoPresetRaisesTheObjectiveOnAModelThatTakesAnySize() {
    Objective objective = Objectives.channel("conv2", 5);
    PlanSpec spec =
        PlanSpec.of(32, 32, 1, objective)
            .withParam(MACO)
            .withTransforms(Transforms.maco())
            .withOptimizer(Optimizer.NADAM);
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      double[] v =
          plan.render(objective, new RenderSettings(30, 1, 1.0, List.of()), RenderListener.NONE)
              .objectives();
      double first = Arrays.stream(v, 0, 5).average().orElseThrow();
      double last = Arrays.stream(v, v.length - 5, v.length).average().orElseThrow();
      assertTrue(last > first, Arrays.toString(v));
    }
  }

  /**
   * With a pixel image clipped straight through and the L1 distance from 0 at pixels of 0.5, the
   * loss's gradient is −1 at every step, so the plan's NAdam must follow Keras's NAdam on that
   * gradient exactly.
   */
  @Test
  void nadamFollowsKerasNadamOnAConstantGradient() {
    Objective objective = Objectives.l1(0);
    ParamSpec pixel = ParamSpec.pixel(false, ParamSpec.Squash.CLIP);
    PlanSpec spec = PlanSpec.of(4, 4, 1, objective).withParam(pixel).withOptimizer(Optimizer.NADAM);
    float[] start = new float[4 * 4 * 3];
    Arrays.fill(start, 0.5f);
    double lr = 0.01;
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r =
          plan.render(
              objective,
              new RenderSettings(6, 1, lr, List.of())
                  .withStartImage(new ImageBatch(1, 4, 4, 3, start)),
              RenderListener.NONE);
      double expected = kerasNadam(0.5, -1, lr, 6);
      for (float p : r.image().pixels()) {
        assertEquals(expected, p, 1e-5);
      }
      assertTrue(expected > 0.54, "the pixels moved: " + expected);
    }
  }

  /** Keras's NAdam update written out step by step for one value and a constant gradient. */
  private static double kerasNadam(double x, double g, double lr, int steps) {
    double m = 0;
    double v = 0;
    double product = 1;
    for (int t = 1; t <= steps; t++) {
      double ut = 0.9 * (1 - 0.5 * Math.pow(0.96, t));
      double ut1 = 0.9 * (1 - 0.5 * Math.pow(0.96, t + 1));
      product *= ut;
      double product1 = product * ut1;
      m += (g - m) * (1 - 0.9);
      v += (g * g - v) * (1 - 0.999);
      double mHat = ut1 * m / (1 - product1) + (1 - ut) * g / (1 - product);
      double vHat = v / (1 - Math.pow(0.999, t));
      x -= mHat * lr / (Math.sqrt(vHat) + 1e-7);
    }
    return x;
  }

  @Test
  void theOptimizerIsPartOfThePlanAndBatchComparingTermsRefuseCrops() {
    Objective objective = Objectives.channel("conv2", 5);
    PlanSpec adam = PlanSpec.of(16, 16, 1, objective);
    assertNotEquals(adam, adam.withOptimizer(Optimizer.NADAM));
    assertEquals(adam, adam.withOptimizer(Optimizer.ADAM));
    Objective diverse = Objectives.diversity("conv2");
    PlanSpec crops =
        PlanSpec.of(16, 16, 2, diverse).withTransforms(List.of(new Crops(2, List.of(0.5, 0.9))));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Plan.build(MODEL, crops, ExecutionOptions.CPU_DEFAULT).close());
    assertTrue(e.getMessage().contains("crops"), e.getMessage());
    assertFalse(Transforms.maco().isEmpty());
  }
}
