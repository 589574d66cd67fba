package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {

  @Test
  void namesThatWouldLeaveTheRepositoryAreRefusedBeforeAnyPathIsBuilt(@TempDir Path tmp)
      throws Exception {
    Path root = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectories(tmp.resolve("outside").resolve("1"));
    Files.writeString(tmp.resolve("outside").resolve("1").resolve("saved_model.pb"), "");
    ModelRepository repo = new ModelRepository(root);
    for (String name :
        List.of(
            "..",
            "../outside",
            "a/../../outside",
            "/etc",
            "a/b",
            "..\\outside",
            ".hidden",
            "",
            "x".repeat(65),
            "a..b")) {
      assertThrows(
          ModelException.InvalidName.class, () -> repo.resolve(name, OptionalLong.empty()), name);
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
    ModelException e =
        assertThrows(ModelException.NotFound.class, () -> repo.resolve("m", OptionalLong.of(3)));
    assertTrue(e.getMessage().contains("[1, 2, 10]"), e.getMessage());
  }

  @Test
  void aBareSavedModelFolderIsVersionOne(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("bare"));
    Files.writeString(root.resolve("bare").resolve("saved_model.pb"), "");
    ModelRepository repo = new ModelRepository(root);
    assertEquals(List.of(1L), repo.versions("bare"));
    assertEquals(
        root.resolve("bare").toAbsolutePath(), repo.resolve("bare", OptionalLong.empty()).dir());
  }

  @Test
  void anUnknownModelNamesTheModelsThereAre(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("known").resolve("1"));
    Files.writeString(root.resolve("known").resolve("1").resolve("saved_model.pb"), "");
    ModelException e =
        assertThrows(
            ModelException.NotFound.class,
            () -> new ModelRepository(root).resolve("unknown", OptionalLong.empty()));
    assertTrue(e.getMessage().contains("[known]"), e.getMessage());
  }

  /**
   * An importer of one file, as a Keras {@code .keras} importer is: the repository needs no more.
   */
  private static final class OneFileImporter implements ModelImporter {
    final List<Path> imported = new java.util.ArrayList<>();

    @Override
    public String reads() {
      return "model.one file";
    }

    @Override
    public Optional<Path> find(Path versionDir) {
      return Optional.of(versionDir.resolve("model.one")).filter(Files::isRegularFile);
    }

    @Override
    public void importInto(Path source, Path versionDir) {
      imported.add(source);
      try {
        Path written = Files.createTempDirectory(versionDir.getParent(), ".import-").resolve("m");
        TinyCnn.write(written);
        try (java.util.stream.Stream<Path> files = Files.list(written)) {
          for (Path f : files.toList()) {
            Files.move(f, versionDir.resolve(f.getFileName()));
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void aFolderAnImporterReadsIsAVersionImportedOnItsFirstLoad(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("other").resolve("3"));
    Path source = Files.writeString(root.resolve("other").resolve("3").resolve("model.one"), "");
    Files.createDirectories(
        root.resolve("other").resolve("4")); // nothing any importer reads: not a version
    OneFileImporter importer = new OneFileImporter();
    ModelRepository repo = new ModelRepository(root, List.of(importer));
    assertEquals(List.of(3L), repo.versions("other"));
    ModelRepository.Location location = repo.resolve("other", OptionalLong.empty());
    assertEquals(source, location.pendingImport().orElseThrow().source());
    assertEquals(
        List.of(), new ModelRepository(root).versions("other"), "no importer: not a version");

    try (ModelRegistry registry = new ModelRegistry(repo)) {
      assertFalse(registry.get("other", OptionalLong.empty()).layers().all().isEmpty());
    }
    assertEquals(List.of(source), importer.imported);
    assertTrue(
        repo.resolve("other", OptionalLong.empty()).pendingImport().isEmpty(), "imported once");
  }

  @Test
  void aModelWithNoVersionNamesTheFormatsItCouldHold(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("empty").resolve("1"));
    ModelException e =
        assertThrows(
            ModelException.NotFound.class,
            () ->
                new ModelRepository(root, List.of(new OneFileImporter()))
                    .resolve("empty", OptionalLong.empty()));
    assertEquals(
        "model 'empty' has no version folder with a saved_model.pb (or a model.one file)",
        e.getMessage());
  }
}
