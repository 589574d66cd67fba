package org.lucerna.model.tfjs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Times the import of each Keras {@code .h5} or {@code .keras} file or TF.js graph model folder
 * given (read, build or rewrite, export a SavedModel) and prints its parameters: the README's
 * import figures. Not a test. Arguments: the files and folders; each is imported three times into a
 * fresh temporary folder, and the median is printed.
 */
public final class ImportBenchmark {
  private ImportBenchmark() {}

  public static void main(String[] args) throws Exception {
    for (String arg : args) {
      Path h5 = Path.of(arg);
      long[] nanos = new long[3];
      long parameters = 0;
      for (int run = 0; run < nanos.length; run++) {
        Path tmp = Files.createTempDirectory("lucerna-import-bench-");
        try {
          Path version = tmp.resolve("m").resolve("1");
          Files.createDirectories(version);
          Path copy = version.resolve(h5.getFileName());
          if (Files.isDirectory(h5)) {
            try (Stream<Path> files = Files.list(h5)) {
              for (Path f : files.toList()) {
                Files.copy(f, version.resolve(f.getFileName()));
              }
            }
          } else {
            Files.copy(h5, copy);
          }
          long start = System.nanoTime();
          parameters =
              (Files.isDirectory(h5)
                      ? GraphModelImporter.importModel(version, version)
                      : h5.getFileName().toString().endsWith(".keras")
                          ? Keras3Importer.importFile(copy, version)
                          : KerasH5Importer.importFile(copy, version))
                  .parameters();
          nanos[run] = System.nanoTime() - start;
        } finally {
          try (Stream<Path> walk = Files.walk(tmp)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
      }
      java.util.Arrays.sort(nanos);
      System.out.printf(
          "%s: %d parameters, import median %.2f s (runs %.2f..%.2f s)%n",
          h5.getFileName(), parameters, nanos[1] / 1e9, nanos[0] / 1e9, nanos[2] / 1e9);
    }
  }
}
