package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/** The README's plain-main example, compiled and run (on the tiny CNN, with fewer steps). */
class ReadmeExampleTest {
  @TempDir
  Path out;

  @Test
  void theOptimizerRunsFromPlainCode() throws Exception {
    TestModels.registry(); // writes tiny_cnn into the test repository
    PreparedModel model = new ModelRegistry(new ModelRepository(TestModels.ROOT)).get("tiny_cnn", OptionalLong.empty());
    Objective objective = Objectives.channel("conv2", 7).plus(Objectives.totalVariation().times(-1e-4));
    PlanSpec spec = PlanSpec.of(64, 64, 1, objective).withTransforms(Transforms.standard());
    try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
      Files.write(out.resolve("conv2_7.png"), plan.render(objective, new RenderSettings(16, 1), RenderListener.NONE).image().png(0));
    }
    assertTrue(Files.size(out.resolve("conv2_7.png")) > 1000);
  }
}
