package org.lucerna.model.tfjs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pretrained models that the build puts into the model repository: InceptionV3 and MobileNetV2
 * from the npm package {@code nsfwjs} 4.4.0 (MIT), Keras models that its authors transfer-learned
 * from ImageNet weights to five classes (drawing, hentai, neutral, porn, sexy). Their convolutional
 * trunks are the ImageNet-family features that feature visualization looks at.
 *
 * <p>{@code java ... ModelZoo [root] [--package=nsfwjs-4.4.0.tgz]}: skips the models already in
 * {@code root} (default {@code models}); otherwise gets the package with {@code npm pack} (or uses
 * the given tarball) and imports the models. When npm cannot get the package it prints what failed
 * and how to place the models by hand, and exits 0, so that the service still starts with its
 * built-in model.
 */
public final class ModelZoo {

  /** A zoo model: its repository name and its folder under the package's {@code dist/models/}. */
  public record Entry(String name, String packageDir, int inputSize) {}

  public static final List<Entry> MODELS =
      List.of(
          new Entry("inception_v3", "inception_v3", 299),
          new Entry("mobilenet_v2", "mobilenet_v2", 224));
  public static final long VERSION = 1;
  private static final long NPM_TIMEOUT_SECONDS = 300;

  private ModelZoo() {}

  /** npm could not deliver the package; the message says what failed. */
  public static final class PackageUnavailableException extends Exception {
    public PackageUnavailableException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of("models");
    Path tarball = null;
    for (String a : args) {
      if (a.startsWith("--package=")) {
        String file = a.substring("--package=".length()).strip();
        tarball = file.isEmpty() ? null : Path.of(file);
      } else {
        root = Path.of(a);
      }
    }
    try {
      install(root, MODELS, tarball, System.out);
    } catch (PackageUnavailableException e) {
      System.out.println(
          "[lucerna] model zoo skipped: "
              + e.getMessage()
              + ". The service starts with its"
              + " built-in tiny_cnn. To add the zoo, run 'npm pack "
              + NsfwjsPackage.SPEC
              + "' where the npm"
              + " registry is reachable and pass the file: java -cp ... "
              + ModelZoo.class.getName()
              + " "
              + root
              + " --package=nsfwjs-4.4.0.tgz (or mvn package -Dlucerna.zoo.package=...), or place TF.js"
              + " layers models as "
              + root
              + "/<name>/1/model.json.");
    }
  }

  /** The zoo models that {@code root} lacks (no SavedModel in {@code <root>/<name>/1}). */
  public static List<Entry> missing(Path root, List<Entry> wanted) {
    return wanted.stream()
        .filter(e -> !Files.isRegularFile(versionDir(root, e).resolve(TfjsImporter.SAVED_MODEL)))
        .toList();
  }

  public static Path versionDir(Path root, Entry e) {
    return root.resolve(e.name()).resolve(Long.toString(VERSION));
  }

  /**
   * Imports the {@code wanted} models that {@code root} lacks, from {@code tarball} or, when it is
   * null, from {@code npm pack}.
   */
  public static List<TfjsImporter.Imported> install(
      Path root, List<Entry> wanted, Path tarball, PrintStream log)
      throws IOException, PackageUnavailableException {
    List<Entry> todo = missing(root, wanted);
    if (todo.isEmpty()) {
      log.println(
          "[lucerna] model zoo: "
              + wanted.stream().map(Entry::name).toList()
              + " already in "
              + root);
      return List.of();
    }
    Path work = Files.createTempDirectory("lucerna-zoo-");
    try {
      Path tgz = tarball != null ? tarball : npmPack(work);
      Path wrapped = NsfwjsPackage.unpackModels(tgz, work.resolve("wrapped"));
      List<TfjsImporter.Imported> done = new ArrayList<>();
      for (Entry e : todo) {
        long start = System.nanoTime();
        Path plain = work.resolve("tfjs").resolve(e.name());
        NsfwjsPackage.unwrap(wrapped.resolve(e.packageDir()), plain);
        TfjsImporter.Imported imported = TfjsImporter.importModel(plain, versionDir(root, e));
        log.printf(
            "[lucerna] model zoo: imported %s (%,d parameters, input %dx%d) into %s in %.1f s%n",
            e.name(),
            imported.parameters(),
            e.inputSize(),
            e.inputSize(),
            imported.dir(),
            (System.nanoTime() - start) / 1e9);
        done.add(imported);
      }
      return done;
    } finally {
      TfjsImporter.deleteTree(work);
    }
  }

  /**
   * Runs {@code npm pack} in {@code dir}, with npm's cache kept under the temporary directory; the
   * system property {@code lucerna.zoo.npm} names another npm executable.
   */
  static Path npmPack(Path dir) throws IOException, PackageUnavailableException {
    Path cache = Path.of(System.getProperty("java.io.tmpdir"), "lucerna-npm-cache");
    String npm = System.getProperty("lucerna.zoo.npm", "npm");
    List<String> command =
        List.of(
            npm,
            "pack",
            NsfwjsPackage.SPEC,
            "--loglevel=error",
            "--cache",
            cache.toString(),
            "--fetch-retries",
            "1",
            "--fetch-timeout",
            "60000");
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new PackageUnavailableException(
          "npm ('" + npm + "') is not installed or not on the PATH (" + e.getMessage() + ")");
    }
    try {
      p.getOutputStream().close();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new PackageUnavailableException(
            "'npm pack "
                + NsfwjsPackage.SPEC
                + "' did not finish in "
                + NPM_TIMEOUT_SECONDS
                + " s");
      }
      String text = new String(output, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        // npm's first error line says what went wrong (ENOTFOUND, E404 ...); its last one names a
        // log file.
        String first =
            text.lines()
                .filter(l -> l.startsWith("npm error") || l.startsWith("npm ERR!"))
                .findFirst()
                .orElse(text.lines().reduce((a, b) -> b).orElse(""));
        throw new PackageUnavailableException(
            "'npm pack "
                + NsfwjsPackage.SPEC
                + "' failed (exit "
                + p.exitValue()
                + (first.isEmpty() ? "" : ": " + first)
                + ")");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new PackageUnavailableException("interrupted while running npm");
    }
    Path tgz = dir.resolve("nsfwjs-4.4.0.tgz");
    if (!Files.isRegularFile(tgz)) {
      throw new PackageUnavailableException(
          "'npm pack " + NsfwjsPackage.SPEC + "' wrote no " + tgz.getFileName());
    }
    return tgz;
  }
}
