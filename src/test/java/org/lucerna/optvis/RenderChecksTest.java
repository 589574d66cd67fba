package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/** Renders through the whole plan: parametrizations, transforms and options together. */
class RenderChecksTest {
  private static final PreparedModel MODEL = TestModels.tinyCnn();

  /** Check 2 of the reference, for every combination of Fourier/pixel × decorrelated/not. */
  @ParameterizedTest
  @CsvSource({"FOURIER,true", "FOURIER,false", "PIXEL,true", "PIXEL,false"})
  void snapshotsAtOneAndTwoAreTwoDifferentImagesOfTheRequestedShape(
      ParamSpec.Kind kind, boolean decorrelate) {
    Objective objective = Objectives.channel("conv2", 3);
    ParamSpec param =
        new ParamSpec(
            kind, kind == ParamSpec.Kind.FOURIER ? 1 : 0, decorrelate, ParamSpec.Squash.SIGMOID, 1);
    PlanSpec spec = PlanSpec.of(128, 128, 1, objective).withParam(param);
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r =
          plan.render(
              objective, new RenderSettings(2, 1, 0.05, List.of(1, 2)), RenderListener.NONE);
      assertEquals(List.of(1, 2), List.copyOf(r.snapshots().keySet()));
      ImageBatch one = r.snapshots().get(1);
      ImageBatch two = r.snapshots().get(2);
      assertEquals(
          List.of(1, 128, 128, 3), List.of(one.batch(), one.height(), one.width(), one.channels()));
      assertFalse(Arrays.equals(one.pixels(), two.pixels()));
    }
  }

  @Test
  void theStandardTransformsStillLetTheObjectiveRise() {
    Objective objective = Objectives.channel("conv3", 7);
    PlanSpec spec = PlanSpec.of(64, 64, 1, objective).withTransforms(Transforms.standard());
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      double[] v =
          plan.render(objective, new RenderSettings(60, 2), RenderListener.NONE).objectives();
      double first = Arrays.stream(v, 0, 5).average().orElseThrow();
      double last = Arrays.stream(v, v.length - 5, v.length).average().orElseThrow();
      assertTrue(last > first, "first five " + first + ", last five " + last);
    }
  }

  @Test
  void theSameSeedRepeatsARenderWithRandomTransformsBitForBit() {
    Objective objective = Objectives.channel("conv2", 1);
    PlanSpec spec = PlanSpec.of(48, 48, 1, objective).withTransforms(Transforms.standard());
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      float[] a =
          plan.render(objective, new RenderSettings(8, 9), RenderListener.NONE).image().pixels();
      float[] b =
          plan.render(objective, new RenderSettings(8, 9), RenderListener.NONE).image().pixels();
      float[] c =
          plan.render(objective, new RenderSettings(8, 10), RenderListener.NONE).image().pixels();
      assertTrue(Arrays.equals(a, b));
      assertFalse(Arrays.equals(a, c));
    }
  }

  @Test
  void aNormalizedGradientRaisesTheObjectiveToo() {
    Objective objective = Objectives.channel("conv2", 5);
    PlanSpec spec = PlanSpec.of(32, 32, 2, objective).withNormalizedGradient(true);
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r = plan.render(objective, new RenderSettings(20, 3), RenderListener.NONE);
      assertTrue(r.lastObjective() > r.firstObjective(), Arrays.toString(r.objectives()));
    }
  }

  /**
   * From four nearly identical starts (identical ones are a symmetric point no gradient leaves),
   * the images stay alike without diversity and must come apart visibly with it.
   */
  @Test
  void diversityOverABatchOfFourGivesFourImagesThatDifferVisibly() {
    int batch = 4;
    Objective channel = Objectives.channel("conv3", 5);
    Objective diverse = channel.plus(Objectives.diversity("conv3").times(10));
    double plain = minPairwiseDistance(render(channel, batch));
    double diversified = minPairwiseDistance(render(diverse, batch));
    assertTrue(
        diversified > 0.1 && diversified > 1.5 * plain,
        "smallest mean pixel distance between two images: "
            + plain
            + " without diversity, "
            + diversified
            + " with");
  }

  private static ImageBatch render(Objective objective, int batch) {
    ImageBatch one = ObjectivesTest.noise(1, 48, 48, 21);
    float[] same = new float[one.pixels().length * batch];
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < one.pixels().length; i++) {
        same[b * one.pixels().length + i] =
            one.pixels()[i] + (float) (0.01 * (random.nextDouble() - 0.5));
      }
    }
    PlanSpec spec = PlanSpec.of(48, 48, batch, objective).withTransforms(Transforms.standard());
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderSettings settings =
          new RenderSettings(80, 3).withStartImage(ImageBatch.rgb(batch, 48, 48, same));
      return plan.render(objective, settings, RenderListener.NONE).image();
    }
  }

  private static double minPairwiseDistance(ImageBatch images) {
    int n = images.height() * images.width() * images.channels();
    double min = Double.MAX_VALUE;
    for (int a = 0; a < images.batch(); a++) {
      for (int b = a + 1; b < images.batch(); b++) {
        double d = 0;
        for (int i = 0; i < n; i++) {
          d += Math.abs(images.pixels()[a * n + i] - images.pixels()[b * n + i]);
        }
        min = Math.min(min, d / n);
      }
    }
    return min;
  }
}
