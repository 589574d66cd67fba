package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultModelTest {
  @TempDir Path root;

  private DefaultModel defaultModel(String builtin) {
    ModelsConfig config =
        new SmallRyeConfigBuilder()
            .withConverter(
                java.time.Duration.class,
                200,
                new io.quarkus.runtime.configuration.DurationConverter())
            .withMapping(ModelsConfig.class)
            .withDefaultValues(
                Map.of("lucerna.models.root", root.toString(), "lucerna.models.builtin", builtin))
            .build()
            .getConfigMapping(ModelsConfig.class);
    return new DefaultModel(config, new ModelRegistry(new ModelRepository(root)));
  }

  @Test
  void theBuiltInModelStandsInUntilTheConfiguredOneIsThere() throws Exception {
    DefaultModel model = defaultModel("true");
    assertEquals(TinyCnn.NAME, model.name());
    Files.createDirectories(root.resolve("inception_v3").resolve("1"));
    assertEquals("inception_v3", model.name());
  }

  @Test
  void withoutTheBuiltInModelTheConfiguredOneIsAskedForAndItsAbsenceReported() {
    assertEquals("inception_v3", defaultModel("false").name());
  }
}
