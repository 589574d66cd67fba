package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.ModelRegistry;

/**
 * The service's repository gets the TF.js importer from CDI, though the model package never names
 * it.
 */
@QuarkusTest
class TfjsImporterBeanTest {
  @Inject ModelRegistry registry;

  @Test
  void aModelJsonFolderIsAVersionOfTheServicesRepository() throws Exception {
    Path model = registry.repository().root().resolve("tfjs_bean_probe");
    Files.createDirectories(model.resolve("1"));
    Files.writeString(model.resolve("1").resolve(LayersModel.FILE), "{}");
    try {
      assertEquals(List.of(1L), registry.repository().versions("tfjs_bean_probe"));
    } finally {
      TfjsImporter.deleteTree(model);
    }
  }
}
