package org.lucerna.job.postgres;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;
import org.lucerna.job.Job;
import org.lucerna.job.Progress;
import org.lucerna.job.QueueFullException;
import org.lucerna.job.WorkSource;

/**
 * Several instances on one PostgreSQL: workers claim jobs under leases ({@link PgJobQueue}), one
 * thread per instance renews the leases of every job it runs each {@code lucerna.store.heartbeat}
 * and learns cancels and lost leases from the answer, and every write a worker makes names its
 * lease's epoch. The same threads re-queue other instances' expired leases and delete old jobs.
 * Idle workers sleep until a job is queued anywhere (LISTEN) or 2 s pass.
 */
public final class PgWorkSource implements WorkSource {
  private static final Logger LOG = Logger.getLogger(PgWorkSource.class);

  /** The longest an idle worker sleeps between claims: the floor under lost notifications. */
  static final Duration IDLE_POLL = Duration.ofSeconds(2);

  private final PgJobQueue queue;
  private final PgNotifications notifications;
  private final String instanceId;
  private final StoreConfig config;

  /** {@code lucerna.data.retention}: finished jobs older than this are deleted. */
  private final Duration retention;

  private final int capacity;
  private final Set<PgRun> active = ConcurrentHashMap.newKeySet();
  // Batch mates a claim took beside its head job, per worker, run one after another.
  private final Map<String, Deque<PgRun>> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "lucerna-pg-lease");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param instanceId this instance's name in leases ({@code <instance>/<worker>})
   * @param retention {@code lucerna.data.retention}: finished jobs older than this are deleted
   * @param capacity how many jobs may wait, over all instances
   */
  public PgWorkSource(
      PgJobQueue queue,
      PgNotifications notifications,
      String instanceId,
      StoreConfig config,
      Duration retention,
      int capacity) {
    this.retention = retention;
    this.queue = queue;
    this.notifications = notifications;
    this.instanceId = instanceId;
    this.config = config;
    this.capacity = capacity;
  }

  @Override
  public void recover() {
    // Nothing: a RUNNING job of a dead instance, this one's earlier run included, is rescued when
    // its lease expires, by whichever instance sweeps first.
  }

  @Override
  public void start() {
    notifications.start();
    long beat = config.heartbeat().toMillis();
    timer.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    if (!"off".equalsIgnoreCase(config.rescueEvery().trim())) {
      long every = DurationConverter.parseDuration(config.rescueEvery().trim()).toMillis();
      timer.scheduleWithFixedDelay(this::rescue, every, every, TimeUnit.MILLISECONDS);
    }
    timer.scheduleWithFixedDelay(this::purge, 1, 60, TimeUnit.SECONDS);
    LOG.infof(
        "instance %s works on the shared PostgreSQL queue (lease %s, heartbeat %s, rescue every %s)",
        instanceId, config.lease(), config.heartbeat(), config.rescueEvery());
  }

  @Override
  public void close() {
    // Mates claimed but never started go back without using an attempt.
    List<Lease> unstarted = new ArrayList<>();
    pending.values().forEach(d -> d.forEach(r -> unstarted.add(r.lease)));
    pending.clear();
    try {
      queue.handBack(unstarted);
    } catch (RuntimeException e) {
      LOG.warnf("cannot hand back %d claimed jobs: %s", unstarted.size(), e.getMessage());
    }
    timer.shutdownNow();
    notifications.close();
  }

  @Override
  public void checkRoom() {
    if (queue.depth().queued() >= capacity) {
      throw new QueueFullException(capacity);
    }
  }

  @Override
  public void offer(String id) {
    // The stored QUEUED row is the queue.
  }

  @Override
  public long queued() {
    return queue.depth().queued();
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public Optional<Run> next(String worker, Duration wait) throws InterruptedException {
    Deque<PgRun> mine = pending.get(worker);
    if (mine != null && !mine.isEmpty()) {
      return Optional.of(mine.poll());
    }
    long seen = notifications.queueSignals();
    List<Lease> claimed = queue.claim(instanceId + "/" + worker, Math.max(1, config.batchMax()));
    if (claimed.isEmpty()) {
      notifications.awaitQueued(seen, IDLE_POLL);
      return Optional.empty();
    }
    List<PgRun> runs = new ArrayList<>();
    for (Lease lease : claimed) {
      PgRun run = new PgRun(lease);
      active.add(run);
      runs.add(run);
    }
    if (runs.size() > 1) {
      pending.computeIfAbsent(worker, w -> new ArrayDeque<>()).addAll(runs.subList(1, runs.size()));
    }
    return Optional.of(runs.get(0));
  }

  /** Renews every lease this instance holds, in one statement, and passes on what it learned. */
  private void heartbeat() {
    List<PgRun> runs = List.copyOf(active);
    if (runs.isEmpty()) {
      return;
    }
    try {
      List<Heartbeat.Beat> beats = new ArrayList<>();
      for (PgRun r : runs) {
        beats.add(new Heartbeat.Beat(r.lease, r.current.progress()));
      }
      long sent = System.nanoTime();
      Heartbeat.Result result = queue.heartbeat(beats);
      for (PgRun r : runs) {
        String id = r.lease.jobId();
        if (result.renewed().contains(id)) {
          r.renewedAt = sent;
          if (result.cancelRequested().contains(id)) {
            r.cancel = true;
          }
        } else if (result.lost().contains(id) && active.remove(r)) {
          r.lost = true;
          LOG.warnf("job %s: lease lost (epoch %d)", id, r.lease.epoch());
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "heartbeat failed (%s); leases run out unless the next one succeeds", e.getMessage());
    }
  }

  private void rescue() {
    try {
      for (Rescued r : queue.rescue()) {
        LOG.infof(
            "job %s: lease of %s expired; now %s (attempt %d)",
            r.jobId(), r.lastOwner(), r.status(), r.attempt());
      }
    } catch (RuntimeException e) {
      LOG.warnf("rescue sweep failed: %s", e.getMessage());
    }
  }

  private void purge() {
    try {
      int n = queue.purgeFinishedBefore(Instant.now().minus(retention));
      if (n > 0) {
        LOG.infof("deleted %d jobs finished more than %s ago", n, retention);
      }
    } catch (RuntimeException e) {
      LOG.warnf("retention sweep failed: %s", e.getMessage());
    }
  }

  /** One leased job: progress kept here and written by the heartbeat, the rest fenced. */
  private final class PgRun implements Run {
    private final Lease lease;
    private volatile Job current;
    private volatile boolean cancel;
    private volatile boolean lost;
    private volatile long renewedAt = System.nanoTime();

    PgRun(Lease lease) {
      this.lease = lease;
      this.current = lease.job();
    }

    @Override
    public Job job() {
      return current;
    }

    @Override
    public void progress(Progress progress) {
      Job j = current;
      current = j.withProgress(progress.withSnapshots(j.progress().snapshots()));
    }

    @Override
    public void snapshot(int step, Map<String, byte[]> images) {
      if (queue.snapshot(lease, step, images)) {
        current = current.withProgress(current.progress().withSnapshot(step));
      } else {
        lost = true;
      }
    }

    @Override
    public boolean cancelRequested() {
      return cancel;
    }

    /**
     * Lost when a heartbeat said so, or when no renewal succeeded for a whole lease: the database
     * may have given the job to another instance while this one could not reach it.
     */
    @Override
    public boolean lost() {
      return lost || System.nanoTime() - renewedAt > config.lease().toNanos();
    }

    @Override
    public Optional<Job> finish(UnaryOperator<Job> change, Map<String, byte[]> images) {
      try {
        Job result = change.apply(current);
        Optional<Job> written = queue.finish(lease, result, images);
        if (written.isPresent()) {
          current = written.get();
        } else {
          lost = true;
        }
        return written;
      } finally {
        active.remove(this);
      }
    }

    @Override
    public void handBack() {
      try {
        queue.handBack(List.of(lease));
      } finally {
        active.remove(this);
        // Back in the queue here or elsewhere: not an outcome of this run.
        current = current.moveTo(org.lucerna.job.JobStatus.QUEUED, Instant.now(), null);
      }
    }
  }
}
