package org.lucerna.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Empties the test service's prepared-model cache before the first test of a JVM runs, so that
 * every test run prepares its models again instead of reading what an earlier run left in {@code
 * target/}. Registered in {@code META-INF/services}; the service's test configuration points at the
 * same folder.
 */
public final class FreshPreparedModels implements LauncherSessionListener {
  /** {@code %test.lucerna.models.prepared-dir}. */
  public static final Path DIR = Path.of("target", "test-prepared").toAbsolutePath();

  private static final AtomicBoolean EMPTIED = new AtomicBoolean();

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    // Once per JVM: a second session must not pull the cache from under a service that is running.
    if (EMPTIED.compareAndSet(false, true)) {
      deleteTree(DIR);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot empty the prepared-model cache " + root, e);
    }
  }
}
