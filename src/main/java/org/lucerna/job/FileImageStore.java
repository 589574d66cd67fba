package org.lucerna.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Images as PNG files, {@code <dir>/<job id>/<name>.png}, written atomically. */
public final class FileImageStore implements ImageStore {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");
  private final Path dir;

  public FileImageStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public void put(String jobId, String name, byte[] png) {
    AtomicFiles.write(file(jobId, name), png);
  }

  @Override
  public Optional<byte[]> get(String jobId, String name) {
    try {
      return Optional.of(Files.readAllBytes(file(jobId, name)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void deleteAll(String jobId) {
    Path jobDir = folder(jobId);
    if (!Files.exists(jobDir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(jobDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path folder(String jobId) {
    if (!JobIds.isWellFormed(jobId)) {
      throw new IllegalArgumentException("not a job id: " + jobId);
    }
    return dir.resolve(jobId);
  }

  private Path file(String jobId, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not an image name: " + name);
    }
    return folder(jobId).resolve(name + ".png");
  }
}
