package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {

  @Test
  void namesThatWouldLeaveTheRepositoryAreRefusedBeforeAnyPathIsBuilt(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectories(tmp.resolve("outside").resolve("1"));
    Files.writeString(tmp.resolve("outside").resolve("1").resolve("saved_model.pb"), "");
    ModelRepository repo = new ModelRepository(root);
    for (String name : List.of("..", "../outside", "a/../../outside", "/etc", "a/b", "..\\outside", ".hidden",
        "", "x".repeat(65), "a..b")) {
      assertThrows(ModelException.InvalidName.class, () -> repo.resolve(name, OptionalLong.empty()), name);
    }
    assertThrows(ModelException.InvalidName.class, () -> repo.resolve(null, OptionalLong.empty()));
  }

  @Test
  void theHighestVersionIsServedUnlessOneIsNamed(@TempDir Path root) throws Exception {
    for (String v : List.of("1", "2", "10")) {
      Files.createDirectories(root.resolve("m").resolve(v));
      Files.writeString(root.resolve("m").resolve(v).resolve("saved_model.pb"), "");
    }
    Files.createDirectories(root.resolve("m").resolve("11")); // empty: not a version
    ModelRepository repo = new ModelRepository(root);
    assertEquals(List.of(1L, 2L, 10L), repo.versions("m"));
    assertEquals(new ModelId("m", 10), repo.resolve("m", OptionalLong.empty()).id());
    assertEquals(new ModelId("m", 2), repo.resolve("m", OptionalLong.of(2)).id());
    ModelException e = assertThrows(ModelException.NotFound.class, () -> repo.resolve("m", OptionalLong.of(3)));
    assertTrue(e.getMessage().contains("[1, 2, 10]"), e.getMessage());
  }

  @Test
  void aBareSavedModelFolderIsVersionOne(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("bare"));
    Files.writeString(root.resolve("bare").resolve("saved_model.pb"), "");
    ModelRepository repo = new ModelRepository(root);
    assertEquals(List.of(1L), repo.versions("bare"));
    assertEquals(root.resolve("bare").toAbsolutePath(), repo.resolve("bare", OptionalLong.empty()).dir());
  }

  @Test
  void anUnknownModelNamesTheModelsThereAre(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("known").resolve("1"));
    Files.writeString(root.resolve("known").resolve("1").resolve("saved_model.pb"), "");
    ModelException e = assertThrows(ModelException.NotFound.class,
        () -> new ModelRepository(root).resolve("unknown", OptionalLong.empty()));
    assertTrue(e.getMessage().contains("[known]"), e.getMessage());
  }

  @Test
  void aTfjsLayersFolderIsAVersionAndABrokenOneIsRefusedWithTheReason(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("web").resolve("3"));
    Files.writeString(root.resolve("web").resolve("3").resolve("model.json"), "{}");
    ModelRepository repo = new ModelRepository(root);
    assertEquals(ModelRepository.Format.TFJS_LAYERS, repo.resolve("web", OptionalLong.empty()).format());
    try (ModelRegistry registry = new ModelRegistry(repo)) {
      ModelException e = assertThrows(ModelException.class, () -> registry.get("web", OptionalLong.empty()));
      assertTrue(e.getMessage().contains("model.json"), e.getMessage());
    }
  }
}
