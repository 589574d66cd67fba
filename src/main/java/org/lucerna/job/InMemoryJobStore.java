package org.lucerna.job;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Jobs in a map: for tests and for a single instance that need not survive a restart. */
public final class InMemoryJobStore implements JobStore {
  private final ConcurrentSkipListMap<String, Job> jobs = new ConcurrentSkipListMap<>();

  @Override
  public void insert(Job job) {
    if (jobs.putIfAbsent(job.id(), job.withVersion(0)) != null) {
      throw new IllegalArgumentException("job " + job.id() + " exists");
    }
  }

  @Override
  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public Job save(Job job) {
    Job saved = job.withVersion(job.version() + 1);
    Job result = jobs.compute(job.id(), (id, current) -> {
      if (current == null) {
        throw new JobNotFoundException(id);
      }
      if (current.version() != job.version()) {
        throw new StaleJobException(id, job.version(), current.version());
      }
      return saved;
    });
    return result;
  }

  @Override
  public List<Job> list(JobQuery query) {
    return jobs.values().stream().filter(query::matches).limit(query.limit()).toList();
  }

  @Override
  public boolean delete(String id) {
    return jobs.remove(id) != null;
  }
}
