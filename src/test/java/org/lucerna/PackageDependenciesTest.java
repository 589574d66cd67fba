package org.lucerna;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The direction of the dependencies between packages, read from the compiled classes: every class,
 * method and field a class refers to is named in its constant pool as UTF-8 text ({@code
 * org/lucerna/...}), so a byte search finds each reference and no comment. Tests run after
 * compilation, so {@code target/classes} is there.
 */
class PackageDependenciesTest {
  private static final Path CLASSES = Path.of("target", "classes");

  @Test
  void theModelPackageNamesNoFormatImporterAndNothingAboveIt() throws IOException {
    assertEquals(
        List.of(),
        references("org/lucerna/model", false, "org/lucerna/model/tfjs/"),
        "importers are handed to the repository as ModelImporter; model.tfjs depends on model, not the other way");
    assertEquals(
        List.of(),
        references(
            "org/lucerna/model",
            true,
            "org/lucerna/optvis/",
            "org/lucerna/job/",
            "org/lucerna/api/"));
  }

  @Test
  void theOptimizerKnowsNoServiceAndNoModelLoading() throws IOException {
    assertEquals(
        List.of(),
        references(
            "org/lucerna/optvis",
            true,
            "org/lucerna/job/",
            "org/lucerna/api/",
            "org/lucerna/model/tfjs/",
            "org/lucerna/model/ModelRegistry",
            "org/lucerna/model/ModelRepository",
            "org/lucerna/model/ModelImporter",
            "org/lucerna/model/ModelBeans",
            "org/lucerna/model/DefaultModel",
            "org/lucerna/model/ModelsConfig",
            "org/lucerna/model/PreparedModelCache",
            "org/lucerna/model/SavedModelLoader"));
  }

  @Test
  void jobsKnowNothingOfHttp() throws IOException {
    assertEquals(List.of(), references("org/lucerna/job", true, "org/lucerna/api/"));
  }

  /**
   * "Class -> name" for each class of {@code pkg} whose constant pool holds one of {@code
   * forbidden}.
   */
  private static List<String> references(String pkg, boolean subpackages, String... forbidden)
      throws IOException {
    Path dir = CLASSES.resolve(pkg);
    if (!anyClass(dir)) {
      throw new IllegalStateException("no compiled classes under " + dir.toAbsolutePath());
    }
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = subpackages ? Files.walk(dir) : Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String name : forbidden) {
          if (text.contains(name)) {
            found.add(CLASSES.relativize(f) + " -> " + name);
          }
        }
      }
    }
    return found;
  }

  private static boolean anyClass(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(p -> p.toString().endsWith(".class"));
    }
  }
}
