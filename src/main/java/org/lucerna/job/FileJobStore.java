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
 * Jobs as JSON files in a folder, one per job, written atomically; read once at start and then served
 * from memory. The embedded default: a restart finds every job as it was last saved.
 */
public final class FileJobStore implements JobStore {
  private final Path dir;
  private final ConcurrentSkipListMap<String, Job> jobs = new ConcurrentSkipListMap<>();

  public FileJobStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
          Job job = JobJson.read(Files.readAllBytes(f));
          jobs.put(job.id(), job);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the jobs in " + dir, e);
    }
  }

  @Override
  public void insert(Job job) {
    Job stored = job.withVersion(0);
    jobs.compute(job.id(), (id, current) -> {
      if (current != null) {
        throw new IllegalArgumentException("job " + id + " exists");
      }
      write(stored);
      return stored;
    });
  }

  @Override
  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public Job save(Job job) {
    Job saved = job.withVersion(job.version() + 1);
    return jobs.compute(job.id(), (id, current) -> {
      if (current == null) {
        throw new JobNotFoundException(id);
      }
      if (current.version() != job.version()) {
        throw new StaleJobException(id, job.version(), current.version());
      }
      write(saved);
      return saved;
    });
  }

  @Override
  public List<Job> list(JobQuery query) {
    return jobs.values().stream().filter(query::matches).limit(query.limit()).toList();
  }

  @Override
  public boolean delete(String id) {
    boolean[] removed = {false};
    jobs.computeIfPresent(id, (k, current) -> {
      try {
        Files.deleteIfExists(file(k));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      removed[0] = true;
      return null;
    });
    return removed[0];
  }

  private Path file(String id) {
    if (!JobIds.isWellFormed(id)) {
      throw new IllegalArgumentException("not a job id: " + id);
    }
    return dir.resolve(id + ".json");
  }

  private void write(Job job) {
    AtomicFiles.write(file(job.id()), JobJson.write(job));
  }
}
