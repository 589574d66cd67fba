package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/** The CPPN parametrization through the whole plan on tiny_cnn, and drawing its result again. */
class CppnRecipeTest {
  private static final PreparedModel MODEL = TestModels.tinyCnn();
  private static final ParamSpec CPPN =
      new ParamSpec(ParamSpec.Kind.CPPN, 1, false, ParamSpec.Squash.SIGMOID, 1);

  @Test
  void theObjectiveRisesAndTheFinalNetworkDrawsTheImageAgainAtAnyScale() {
    Objective objective = Objectives.channel("conv3", 7);
    PlanSpec spec =
        PlanSpec.of(24, 20, 2, objective).withParam(CPPN).withTransforms(Transforms.standard());
    try (Plan plan = Plan.build(MODEL, spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r =
          plan.render(objective, new RenderSettings(60, 3, 0.01, List.of()), RenderListener.NONE);
      double[] v = r.objectives();
      double first = Arrays.stream(v, 0, 5).average().orElseThrow();
      double last = Arrays.stream(v, v.length - 5, v.length).average().orElseThrow();
      assertTrue(last > first + 0.1 * Math.abs(first), "first five " + first + ", last " + last);
      for (int b = 0; b < 2; b++) {
        float[] params = r.parameters(b);
        ImageBatch same = CppnDrawing.draw(CPPN, 24, 20, params, 1);
        float[] image = element(r.image(), b);
        for (int i = 0; i < image.length; i++) {
          assertEquals(image[i], same.pixels()[i], 1e-5, "image " + b + " value " + i);
        }
        ImageBatch large = CppnDrawing.draw(CPPN, 24, 20, params, 4);
        assertEquals(96, large.height());
        assertEquals(80, large.width());
        double error = meanAbs(shrink(large, 4), image);
        double spread = meanAbs(image, mean(image));
        // The drawing is the same picture, denser: its 4×4 means are near the pixels, far nearer
        // than the pixels are to their own mean (a flat guess) or to another image's drawing.
        double other =
            meanAbs(shrink(CppnDrawing.draw(CPPN, 24, 20, r.parameters(1 - b), 4), 4), image);
        System.out.printf(
            "[CppnRecipeTest] image %d: |shrunk 4x - 1x| %.4f, spread %.4f, other image %.4f%n",
            b, error, spread, other);
        assertTrue(error < 0.25 * spread, error + " against a spread of " + spread);
        assertTrue(error < 0.25 * other, error + " against the other image's " + other);
      }
    }
  }

  @Test
  void onlyACppnKeepsItsParametersAndDrawingsHaveBounds() {
    Objective objective = Objectives.channel("conv2", 5);
    try (Plan plan =
        Plan.build(MODEL, PlanSpec.of(16, 16, 1, objective), ExecutionOptions.CPU_DEFAULT)) {
      assertNull(
          plan.render(objective, new RenderSettings(2, 1), RenderListener.NONE).parameters());
    }
    float[] params = new float[72 + 7 * (48 * 24 + 24) + 49 * 3];
    assertThrows(
        IllegalArgumentException.class, () -> CppnDrawing.draw(ParamSpec.DEFAULT, 8, 8, params, 2));
    assertThrows(IllegalArgumentException.class, () -> CppnDrawing.draw(CPPN, 8, 8, params, 9));
    assertThrows(IllegalArgumentException.class, () -> CppnDrawing.draw(CPPN, 1024, 8, params, 5));
    assertThrows(
        IllegalArgumentException.class,
        () -> CppnDrawing.draw(CPPN, 8, 8, Arrays.copyOf(params, 100), 2));
    assertEquals(4096, CppnDrawing.draw(CPPN, 1024, 1, params, 4).height());
  }

  private static float[] element(ImageBatch batch, int b) {
    int n = batch.height() * batch.width() * batch.channels();
    return Arrays.copyOfRange(batch.pixels(), b * n, (b + 1) * n);
  }

  /** The mean of every {@code s × s} block, per channel. */
  static float[] shrink(ImageBatch large, int s) {
    int h = large.height() / s;
    int w = large.width() / s;
    int c = large.channels();
    float[] out = new float[h * w * c];
    for (int y = 0; y < large.height(); y++) {
      for (int x = 0; x < large.width(); x++) {
        for (int k = 0; k < c; k++) {
          out[((y / s) * w + x / s) * c + k] +=
              large.pixels()[(y * large.width() + x) * c + k] / (s * s);
        }
      }
    }
    return out;
  }

  private static float[] mean(float[] image) {
    double m = 0;
    for (float v : image) {
      m += v / image.length;
    }
    float[] flat = new float[image.length];
    Arrays.fill(flat, (float) m);
    return flat;
  }

  private static double meanAbs(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length;
  }
}
