package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.TinyCnn;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestPngs;

/**
 * The README's plain-main example, compiled and run: the same calls at the size and batch that the
 * README asks for, on the tiny CNN and with fewer steps.
 */
class ReadmeExampleTest {
  /** The README's {@code PlanSpec.of(height, width, batch, objective)}. */
  private static final Pattern PLAN_SPEC =
      Pattern.compile("PlanSpec\\.of\\((\\d+), (\\d+), (\\d+), objective\\)");

  @TempDir Path dir;

  @Test
  void theOptimizerWritesThePictureAskedForFromPlainCode() throws Exception {
    Matcher asked = PLAN_SPEC.matcher(Files.readString(Path.of("README.md")));
    assertTrue(
        asked.find(),
        "the README's example builds its plan with PlanSpec.of(height, width, batch, objective)");
    int height = Integer.parseInt(asked.group(1));
    int width = Integer.parseInt(asked.group(2));
    int batch = Integer.parseInt(asked.group(3));
    TinyCnn.write(dir.resolve("models").resolve(TinyCnn.NAME).resolve("1"));
    Path png = dir.resolve("conv2_7.png");
    RenderResult result;

    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(dir.resolve("models")))) {
      PreparedModel model = registry.get(TinyCnn.NAME, OptionalLong.empty());
      Objective objective =
          Objectives.channel("conv2", 7).plus(Objectives.totalVariation().times(-1e-4));
      PlanSpec spec =
          PlanSpec.of(height, width, batch, objective)
              .withTransforms(Transforms.standard())
              .readingConcatInputs(model, objective);
      try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
        result =
            plan.render(
                objective,
                new RenderSettings(96, 1).withSchedule(LearningRateSchedule.DEFAULT),
                RenderListener.NONE);
        Files.write(png, result.image().png(0));
      }
    }

    assertEquals(batch, result.image().batch());
    BufferedImage image = TestPngs.decode(Files.readAllBytes(png));
    assertEquals(width, image.getWidth());
    assertEquals(height, image.getHeight());
    // The Fourier parametrization starts from an almost flat gray; what varies is what the steps
    // made.
    double spread = TestPngs.levelStdDev(image);
    double smoothness = TestPngs.neighbourCorrelation(image);
    System.out.printf(
        "README example: level std %.1f/255, neighbour correlation %.3f, objective %.3f -> %.3f%n",
        spread, smoothness, result.firstObjective(), result.lastObjective());
    assertTrue(spread > 10, "the picture is flat: level std " + spread + "/255");
    assertTrue(smoothness > 0.5, "the picture is noise: neighbour correlation " + smoothness);
    assertTrue(
        result.lastObjective() > result.firstObjective(),
        "objective " + result.firstObjective() + " -> " + result.lastObjective());
  }
}
