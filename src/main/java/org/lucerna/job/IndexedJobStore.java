package org.lucerna.job;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rules every in-process store shares: jobs indexed by id (so listing is in creation order),
 * saves checked against the version in memory, idempotency keys unique. Subclasses say where a
 * change goes besides memory.
 *
 * <p>Every change of a job runs under that job's lock: compare the version, make the change durable
 * ({@link #stored}), then change memory. Reads take no lock; they see a job before or after a
 * change, never a change that was refused. Locks are striped (an id always maps to the same one of
 * {@value #STRIPES}), so they take fixed memory however many jobs come and go. An insert with an
 * idempotency key first takes the key's lock (key locks are always taken before id locks, so two
 * changes cannot wait on each other), which makes "is the key free? then add the job" one step.
 */
abstract class IndexedJobStore implements JobStore {
  private static final int STRIPES = 64;

  private final ConcurrentSkipListMap<String, Job> jobs = new ConcurrentSkipListMap<>();

  /** Idempotency key → id of the job that holds it. */
  private final Map<String, String> byKey = new ConcurrentHashMap<>();

  private final ReentrantLock[] idLocks = stripes();
  private final ReentrantLock[] keyLocks = stripes();

  /**
   * Makes {@code job} durable, before memory changes. Called once per change, with the job's lock
   * held and its version checked; when it throws, the change is not made.
   */
  protected abstract void stored(Job job);

  /** Removes the job's durable copy; called as {@link #stored} is. */
  protected abstract void removed(String id);

  /**
   * Puts a job read back from durable storage into the index, as it was. Called before the store is
   * used, from one thread.
   */
  protected void load(Job job) {
    jobs.put(job.id(), job);
    String key = job.submission().idempotencyKey();
    if (key != null) {
      // Should two stored jobs share a key (written before keys were unique), the first holds it.
      byKey.merge(key, job.id(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
  }

  @Override
  public void insert(Job job) {
    Job first = job.withVersion(0);
    String key = first.submission().idempotencyKey();
    ReentrantLock keyLock = key == null ? null : lock(keyLocks, key);
    if (keyLock != null) {
      keyLock.lock();
    }
    try {
      if (key != null) {
        String holder = byKey.get(key);
        Job held = holder == null ? null : jobs.get(holder);
        if (held != null) {
          throw new IdempotencyKeyTakenException(key, held.id());
        }
      }
      ReentrantLock idLock = lock(idLocks, first.id());
      idLock.lock();
      try {
        if (jobs.containsKey(first.id())) {
          throw new IllegalArgumentException("job " + first.id() + " exists");
        }
        stored(first);
        jobs.put(first.id(), first);
      } finally {
        idLock.unlock();
      }
      if (key != null) {
        byKey.put(key, first.id());
      }
    } finally {
      if (keyLock != null) {
        keyLock.unlock();
      }
    }
  }

  @Override
  public Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public Job save(Job job) {
    ReentrantLock idLock = lock(idLocks, job.id());
    idLock.lock();
    try {
      Job current = jobs.get(job.id());
      if (current == null) {
        throw new JobNotFoundException(job.id());
      }
      if (current.version() != job.version()) {
        throw new StaleJobException(job.id(), job.version(), current.version());
      }
      Job saved = job.withVersion(job.version() + 1);
      stored(saved);
      jobs.put(saved.id(), saved);
      return saved;
    } finally {
      idLock.unlock();
    }
  }

  @Override
  public List<Job> list(JobQuery query) {
    java.util.NavigableMap<String, Job> from = jobs;
    if (query.after() != null) {
      from =
          query.newestFirst()
              ? jobs.headMap(query.after(), false)
              : jobs.tailMap(query.after(), false);
    }
    return (query.newestFirst() ? from.descendingMap() : from)
        .values().stream().filter(query::matches).limit(query.limit()).toList();
  }

  @Override
  public long countQueuedBefore(String id) {
    return jobs.headMap(id).values().stream().filter(j -> j.status() == JobStatus.QUEUED).count();
  }

  @Override
  public boolean delete(String id) {
    Job seen = jobs.get(id);
    if (seen == null) {
      return false;
    }
    // A job's key never changes, so the one read before locking is the one to free.
    String key = seen.submission().idempotencyKey();
    ReentrantLock keyLock = key == null ? null : lock(keyLocks, key);
    if (keyLock != null) {
      keyLock.lock();
    }
    try {
      ReentrantLock idLock = lock(idLocks, id);
      idLock.lock();
      try {
        if (!jobs.containsKey(id)) {
          return false;
        }
        removed(id);
        jobs.remove(id);
      } finally {
        idLock.unlock();
      }
      if (key != null) {
        byKey.remove(key, id);
      }
      return true;
    } finally {
      if (keyLock != null) {
        keyLock.unlock();
      }
    }
  }

  private static ReentrantLock[] stripes() {
    ReentrantLock[] locks = new ReentrantLock[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    return locks;
  }

  private static ReentrantLock lock(ReentrantLock[] locks, String name) {
    return locks[Math.floorMod(name.hashCode(), STRIPES)];
  }
}
