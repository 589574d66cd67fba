package org.lucerna.job;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The rules every in-process store shares: jobs indexed by id (so listing is in creation order),
 * saves checked against the version in memory. Subclasses say where a change goes besides memory.
 */
abstract class IndexedJobStore implements JobStore {
  private final ConcurrentSkipListMap<String, Job> jobs = new ConcurrentSkipListMap<>();

  /**
   * Makes {@code job} durable, before memory changes. It is called from inside {@link
   * ConcurrentSkipListMap#compute}, which holds no lock: the map may call it more than once for one
   * change (when another change to the same job makes compute retry), and two changes to one job
   * may call it at the same time. The version check keeps memory consistent, but the durable copy
   * is whichever call wrote last, which may be a change that memory then refused as stale.
   */
  protected abstract void stored(Job job);

  /**
   * Removes the job's durable copy; called from inside compute as {@link #stored} is, with the same
   * caveats.
   */
  protected abstract void removed(String id);

  /** Puts a job read back from durable storage into the index, as it was. */
  protected void load(Job job) {
    jobs.put(job.id(), job);
  }

  @Override
  public void insert(Job job) {
    Job first = job.withVersion(0);
    jobs.compute(
        job.id(),
        (id, current) -> {
          if (current != null) {
            throw new IllegalArgumentException("job " + id + " exists");
          }
          stored(first);
          return first;
        });
  }

  @Override
  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public Job save(Job job) {
    Job saved = job.withVersion(job.version() + 1);
    return jobs.compute(
        job.id(),
        (id, current) -> {
          if (current == null) {
            throw new JobNotFoundException(id);
          }
          if (current.version() != job.version()) {
            throw new StaleJobException(id, job.version(), current.version());
          }
          stored(saved);
          return saved;
        });
  }

  @Override
  public List<Job> list(JobQuery query) {
    return jobs.values().stream().filter(query::matches).limit(query.limit()).toList();
  }

  @Override
  public long countQueuedBefore(String id) {
    return jobs.headMap(id).values().stream().filter(j -> j.status() == JobStatus.QUEUED).count();
  }

  @Override
  public boolean delete(String id) {
    boolean[] found = {false};
    jobs.computeIfPresent(
        id,
        (k, current) -> {
          removed(k);
          found[0] = true;
          return null;
        });
    return found[0];
  }
}
