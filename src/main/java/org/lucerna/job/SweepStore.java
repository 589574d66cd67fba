package org.lucerna.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * Sweeps by id (so in creation order), in memory and, when given a folder, as one JSON file each,
 * read back at start. A sweep is written once, so there is no version to check.
 */
public final class SweepStore {
  private final ConcurrentSkipListMap<String, Sweep> sweeps = new ConcurrentSkipListMap<>();
  private final Path dir;

  /** Sweeps in memory only. */
  public SweepStore() {
    this.dir = null;
  }

  public SweepStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
          Sweep s = JobJson.read(Files.readAllBytes(f), Sweep.class);
          sweeps.put(s.id(), s);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sweeps in " + dir, e);
    }
  }

  public void insert(Sweep sweep) {
    if (dir != null) {
      AtomicFiles.write(file(sweep.id()), JobJson.writeValue(sweep));
    }
    sweeps.put(sweep.id(), sweep);
  }

  public Optional<Sweep> find(String id) {
    return JobIds.isWellFormed(id) ? Optional.ofNullable(sweeps.get(id)) : Optional.empty();
  }

  /** Every sweep with {@code recipe}, newest first. */
  public List<Sweep> withRecipe(String recipe) {
    return sweeps.descendingMap().values().stream().filter(s -> s.recipe().equals(recipe)).toList();
  }

  public void delete(String id) {
    if (dir != null) {
      try {
        Files.deleteIfExists(file(id));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    sweeps.remove(id);
  }

  private Path file(String id) {
    if (!JobIds.isWellFormed(id)) {
      throw new IllegalArgumentException("not a sweep id: " + id);
    }
    return dir.resolve(id + ".json");
  }
}
