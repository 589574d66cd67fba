package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lucerna.model.PreparedModel;
import org.lucerna.testing.TestModels;

class ObjectivesTest {
  private static final PreparedModel MODEL = TestModels.tinyCnn();

  static Stream<Objective> everyObjective() {
    double[] direction = new double[32];
    direction[3] = 1;
    direction[9] = -0.5;
    return Stream.of(
        Objectives.channel("conv2", 4),
        Objectives.neuron("conv3", 7),
        Objectives.neuron("conv1", 2, 5, 9),
        Objectives.direction("conv2", direction, 0),
        Objectives.direction("conv2", direction, 1),
        Objectives.weightedChannels(
            "conv3", new double[][] {weights(64, 5, 0.7), weights(64, 6, 0.3)}),
        Objectives.interpolate("conv2", 32, 1, 2, 2),
        Objectives.deepDream("conv2"),
        Objectives.classLogit("logits", 3),
        Objectives.diversity("conv2"),
        Objectives.alignment("conv2", 2),
        Objectives.l1(0).negate(),
        Objectives.l2(0).negate(),
        Objectives.totalVariation().negate(),
        Objectives.blur().negate(),
        Objectives.caricature("conv2", 1),
        Objectives.channel("conv3", 1).plus(Objectives.startDistance().times(-1)),
        Objectives.channel("conv3", 1).onBatch(1).plus(Objectives.channel("conv3", 2).onBatch(0)));
  }

  static ImageBatch noise(int batch, int height, int width, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    float[] pixels = new float[batch * height * width * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (0.1 + 0.8 * random.nextDouble());
    }
    return ImageBatch.rgb(batch, height, width, pixels);
  }

  private static double[] weights(int n, int at, double value) {
    double[] w = new double[n];
    w[at] = value;
    return w;
  }

  /**
   * Check 1 of the reference: every objective increases within 3 Adam(0.1) steps on 32×32 from a
   * fixed seed.
   */
  @ParameterizedTest
  @MethodSource("everyObjective")
  void everyObjectiveIncreasesWithinThreeSteps(Objective objective) {
    try (Plan plan =
        Plan.build(MODEL, PlanSpec.of(32, 32, 2, objective), ExecutionOptions.CPU_DEFAULT)) {
      // From uniform noise: near-gray noise would already be the optimum of the image penalties.
      RenderSettings settings =
          new RenderSettings(4, 5, 0.1, List.of()).withStartImage(noise(2, 32, 32, 5));
      RenderResult r = plan.render(objective, settings, RenderListener.NONE);
      assertTrue(
          r.objectives()[3] > r.objectives()[0],
          objective.describe() + ": " + java.util.Arrays.toString(r.objectives()));
    }
  }

  /**
   * Check 7: arithmetic yields objectives, and a sum of terms on one layer imports the model once.
   */
  @Test
  void arithmeticMakesObjectivesAndOneLayerIsEvaluatedOnce() {
    Objective obj = Objectives.channel("conv2", 1);
    Objective combined = obj.negate().times(1).dividedBy(1).plus(1).minus(1);
    assertEquals("−Channel[conv2, 1] + 1 − 1", combined.describe());
    Objective sum =
        Objectives.sum(
            List.of(
                Objectives.channel("conv2", 1),
                Objectives.deepDream("conv2"),
                Objectives.diversity("conv2").times(-100)));
    assertEquals("Channel[conv2, 1] + DeepDream[conv2] − 100 × Diversity[conv2]", sum.describe());
    try (Plan plan = Plan.build(MODEL, PlanSpec.of(16, 16, 2, sum), ExecutionOptions.CPU_DEFAULT)) {
      long convs =
          Stream.iterate(plan.graph().operations(), it -> it)
              .limit(1)
              .flatMap(
                  it -> {
                    List<String> names = new java.util.ArrayList<>();
                    it.forEachRemaining(
                        op -> {
                          if (op.type().equals("Conv2D")) names.add(op.name());
                        });
                    return names.stream();
                  })
              .count();
      assertEquals(
          2,
          convs,
          "conv1 and conv2 once each; conv3, past the objective's layer, is not imported");
      RenderResult r = plan.render(sum, new RenderSettings(2, 1), RenderListener.NONE);
      assertTrue(Double.isFinite(r.lastObjective()));
    }
  }

  @Test
  void aPlanRefusesAnObjectiveOfAnotherStructureButReusesForOtherChannels() {
    try (Plan plan =
        Plan.build(
            MODEL,
            PlanSpec.of(16, 16, 1, Objectives.channel("conv2", 0)),
            ExecutionOptions.CPU_DEFAULT)) {
      plan.render(
          Objectives.channel("conv2", 31).times(3), new RenderSettings(1, 1), RenderListener.NONE);
      assertThrows(
          IllegalArgumentException.class,
          () ->
              plan.render(
                  Objectives.deepDream("conv2"), new RenderSettings(1, 1), RenderListener.NONE));
    }
  }

  @Test
  void aConstantAloneIsRefused() {
    Objective constant = Objectives.channel("conv1", 0).times(0).plus(2);
    Objective onlyConstant = Objective.of(List.of(constant.terms().get(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Plan.build(MODEL, PlanSpec.of(8, 8, 1, onlyConstant), ExecutionOptions.CPU_DEFAULT));
  }

  @Test
  void shortFormParses() {
    assertEquals(Objectives.channel("mixed4", 97), Objectives.parse("mixed4:97"));
    assertEquals(Objectives.channel("a/b:c", 3), Objectives.parse("a/b:c:3"));
    assertThrows(IllegalArgumentException.class, () -> Objectives.parse("mixed4"));
    assertThrows(IllegalArgumentException.class, () -> Objectives.parse("mixed4:x"));
    assertThrows(IllegalArgumentException.class, () -> Objectives.parse("mixed4:-1"));
  }
}
