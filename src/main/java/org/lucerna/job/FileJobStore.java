package org.lucerna.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Jobs as JSON files in a folder, one per job, written atomically; read once at start and then
 * served from memory. The embedded default: a restart finds every job as it was last saved.
 */
public final class FileJobStore extends IndexedJobStore {
  private final Path dir;

  public FileJobStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
          load(JobJson.read(Files.readAllBytes(f)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the jobs in " + dir, e);
    }
  }

  @Override
  protected void stored(Job job) {
    AtomicFiles.write(file(job.id()), JobJson.write(job));
  }

  @Override
  protected void removed(String id) {
    try {
      Files.deleteIfExists(file(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path file(String id) {
    if (!JobIds.isWellFormed(id)) {
      throw new IllegalArgumentException("not a job id: " + id);
    }
    return dir.resolve(id + ".json");
  }
}
