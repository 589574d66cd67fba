package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.transform.Crops;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/** The caricature and start-distance terms through the whole plan, on tiny_cnn. */
class CaricatureTest {
  private static final PreparedModel MODEL = TestModels.tinyCnn();

  /**
   * At the first step the render is the photo, so the caricature's dot is the layer's squared norm
   * and its cosine 1: the value is the channel count times deepdream's mean square, whatever the
   * power; a second render of the same plan captures its own photo.
   */
  @Test
  void atTheFirstStepTheCaricatureIsTheLayersSquaredNormPerPosition() {
    for (double power : new double[] {0, 2}) {
      Objective caricature = Objectives.caricature("conv2", power);
      Objective dream = Objectives.deepDream("conv2");
      try (Plan c =
              Plan.build(
                  MODEL,
                  PlanSpec.of(24, 24, 2, caricature).withTransforms(List.of()),
                  ExecutionOptions.CPU_DEFAULT);
          Plan d =
              Plan.build(
                  MODEL,
                  PlanSpec.of(24, 24, 2, dream).withTransforms(List.of()),
                  ExecutionOptions.CPU_DEFAULT)) {
        for (long seed : new long[] {3, 8}) {
          RenderSettings settings =
              new RenderSettings(2, 1, 0.05, List.of())
                  .withStartImage(ObjectivesTest.noise(2, 24, 24, seed));
          double car = c.render(caricature, settings, RenderListener.NONE).objectives()[0];
          double dd = d.render(dream, settings, RenderListener.NONE).objectives()[0];
          int channels = MODEL.layers().get("conv2").channels();
          assertEquals(channels * dd, car, 1e-4 * Math.abs(car), "power " + power);
        }
      }
    }
  }

  @Test
  void theCaricatureRisesWithTheStandardTransforms() {
    Objective caricature = Objectives.caricature("conv3", 1);
    try (Plan plan =
        Plan.build(
            MODEL,
            PlanSpec.of(40, 40, 1, caricature).withTransforms(Transforms.standard()),
            ExecutionOptions.CPU_DEFAULT)) {
      double[] v =
          plan.render(
                  caricature,
                  new RenderSettings(60, 2, 0.05, List.of())
                      .withStartImage(ObjectivesTest.noise(1, 40, 40, 5)),
                  RenderListener.NONE)
              .objectives();
      double first = Arrays.stream(v, 0, 5).average().orElseThrow();
      double last = Arrays.stream(v, v.length - 5, v.length).average().orElseThrow();
      assertTrue(last > first, Arrays.toString(v));
    }
  }

  @Test
  void cropsAreRefusedWhenThePlanIsBuilt() {
    Objective caricature = Objectives.caricature("conv3", 0);
    PlanSpec spec =
        PlanSpec.of(32, 32, 1, caricature).withTransforms(List.of(new Crops(2, List.of(0.3, 0.6))));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT).close());
    assertTrue(e.getMessage().contains("crops"), e.getMessage());
  }

  /**
   * Feature accentuation: the start distance is 0 at the first step, and with a negative weight it
   * keeps the image nearer the photo than the unit alone would, while the unit still rises.
   */
  @Test
  void theStartDistanceKeepsTheImageNearThePhoto() {
    Objective unit = Objectives.channel("conv3", 7);
    Objective accentuation = unit.plus(Objectives.startDistance().times(-200));
    ImageBatch photo = ObjectivesTest.noise(1, 32, 32, 11);
    RenderSettings settings = new RenderSettings(40, 1, 0.05, List.of()).withStartImage(photo);
    double[] free = distances(unit, settings, photo);
    double[] held = distances(accentuation, settings, photo);
    assertTrue(held[0] < 0.5 * free[0], "distance " + held[0] + " against " + free[0]);
    assertTrue(held[1] > 0, "the objective still rises: " + held[1]);
    // At the first step the image is the photo: the penalty adds nothing.
    assertEquals(free[2], held[2], 1e-6 * Math.abs(free[2]));
  }

  /**
   * {@code [mean squared distance from the photo at the end, rise of the objective, its first
   * value]}.
   */
  private static double[] distances(
      Objective objective, RenderSettings settings, ImageBatch photo) {
    try (Plan plan =
        Plan.build(
            MODEL,
            PlanSpec.of(32, 32, 1, objective).withTransforms(List.of()),
            ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r = plan.render(objective, settings, RenderListener.NONE);
      float[] a = r.image().pixels();
      float[] b = photo.pixels();
      double d = 0;
      for (int i = 0; i < a.length; i++) {
        d += (a[i] - b[i]) * (a[i] - b[i]) / a.length;
      }
      double[] v = r.objectives();
      return new double[] {d, v[v.length - 1] - v[0], v[0]};
    }
  }
}
