package org.lucerna.job;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.lucerna.model.DefaultModel;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.Device;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.ImageBatch;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanCache;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderCancelledException;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.param.StartImage;

/**
 * The threads that run renders: {@code per-device} workers on each configured device, each owning
 * its plans and sessions and taking job ids from the queue. A failure inside a job ends that job
 * FAILED; the worker goes on. At start-up, jobs the store holds as queued or running (a previous
 * run of this instance stopped) are queued again, and each worker warms its device and plan cache
 * with the default model ({@link Warmup}) before it takes a job; at shutdown, running jobs stop at
 * their next step and go back to the queue.
 */
@ApplicationScoped
public class WorkerPool {
  private static final Logger LOG = Logger.getLogger(WorkerPool.class);
  private static final long PROGRESS_INTERVAL_MS = 100;

  private final JobStore jobs;
  private final ImageStore images;
  private final ModelRegistry models;
  private final JobQueue queue;
  private final JobService service;
  private final Clock clock;
  private final JobsConfig config;
  private final JobMetrics metrics;
  private final Supplier<String> warmupModel;
  private final List<Thread> threads = new ArrayList<>();
  // Writes the renders' progress and snapshots, off the render threads (Watcher).
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "lucerna-progress-writer");
            t.setDaemon(true);
            return t;
          });
  // Read by the started probe without the pool's lock, which shutdown holds while workers finish.
  private final List<Warmup> warmups = new CopyOnWriteArrayList<>();
  private volatile boolean running;

  /** A pool whose workers warm nothing: for tests of what workers do with jobs. */
  public WorkerPool(
      JobStore jobs,
      ImageStore images,
      ModelRegistry models,
      JobQueue queue,
      JobService service,
      Clock clock,
      JobsConfig config,
      JobMetrics metrics) {
    this(jobs, images, models, null, queue, service, clock, config, metrics);
  }

  /**
   * @param defaultModel the model each worker warms before its first job, or null for no warm-up
   */
  @Inject
  public WorkerPool(
      JobStore jobs,
      ImageStore images,
      ModelRegistry models,
      DefaultModel defaultModel,
      JobQueue queue,
      JobService service,
      Clock clock,
      JobsConfig config,
      JobMetrics metrics) {
    this.warmupModel = defaultModel == null ? null : defaultModel::name;
    this.metrics = metrics;
    this.jobs = jobs;
    this.images = images;
    this.models = models;
    this.queue = queue;
    this.service = service;
    this.clock = clock;
    this.config = config;
  }

  synchronized void start(@Observes StartupEvent event) {
    recover();
    running = true;
    warmups.clear();
    AtomicBoolean loadRecorded = new AtomicBoolean();
    for (String d : config.workers().devices()) {
      Device device = Device.parse(d);
      ExecutionOptions execution =
          new ExecutionOptions(
              device, config.workers().intraOpThreads(), config.workers().interOpThreads());
      for (int i = 0; i < config.workers().perDevice(); i++) {
        String name = "lucerna-worker-" + device + "-" + i;
        Warmup warmup =
            warmupModel == null
                ? null
                : new Warmup(
                    name,
                    device,
                    warmupModel,
                    config.workers().warmupLayer(),
                    warmed -> {
                      // The workers share one load; the first to finish has measured it.
                      if (loadRecorded.compareAndSet(false, true)) {
                        metrics.modelLoaded(warmed.model().name(), warmed.load());
                      }
                    });
        if (warmup != null) {
          warmups.add(warmup);
        }
        Thread t = new Thread(() -> work(execution, warmup), name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
    LOG.infof("started %d workers on %s", threads.size(), config.workers().devices());
  }

  /** Puts the jobs a stopped run left queued or running back in the queue, oldest first. */
  private void recover() {
    List<Job> unfinished =
        jobs.list(
            new JobQuery(
                Set.of(JobStatus.QUEUED, JobStatus.RUNNING),
                null,
                null,
                null,
                null,
                Integer.MAX_VALUE));
    for (Job job : unfinished) {
      if (job.status() == JobStatus.RUNNING) {
        jobs.update(
            job.id(),
            j ->
                j.status() == JobStatus.RUNNING
                    ? j.moveTo(JobStatus.QUEUED, clock.instant(), null)
                    : j);
      }
      queue.requeue(job.id());
    }
    if (!unfinished.isEmpty()) {
      LOG.infof("queued again %d jobs left unfinished by the previous run", unfinished.size());
    }
  }

  synchronized void stop(@Observes ShutdownEvent event) {
    service.drain();
    running = false;
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    threads.forEach(Thread::interrupt);
    threads.clear();
  }

  public int size() {
    return threads.size();
  }

  /**
   * @param warmup this worker's warm-up, or null for none
   */
  private void work(ExecutionOptions execution, Warmup warmup) {
    try (PlanCache plans = new PlanCache(config.workers().planCacheSize(), execution)) {
      while (running) {
        if (warmup != null) {
          warmup.runIfDue(models, plans);
        }
        String id;
        try {
          id = queue.poll(200);
        } catch (InterruptedException e) {
          return;
        }
        if (id != null) {
          MDC.put("job", id);
          try {
            run(id, plans);
          } finally {
            MDC.remove("job");
          }
        }
      }
    }
  }

  private void run(String id, PlanCache plans) {
    Job job;
    try {
      job = jobs.update(id, j -> j.moveTo(JobStatus.RUNNING, clock.instant(), null));
    } catch (JobNotFoundException | IllegalTransitionException e) {
      return; // deleted or cancelled while it waited
    }
    metrics.started(Duration.between(job.times().created(), job.times().started()));
    long t0 = System.nanoTime();
    try {
      render(job, plans, t0);
    } catch (Throwable t) { // the worker outlives anything a job does, out-of-memory included
      LOG.errorf(t, "job %s failed", id);
      fail(id, t);
    } finally {
      // After the failure is recorded, so that the outcome counted is the job's final status.
      Job after = jobs.find(id).orElse(job);
      metrics.finished(
          after.status(), Duration.ofNanos(System.nanoTime() - t0), after.progress().step());
    }
  }

  /**
   * @param t0 when the worker took the job ({@link System#nanoTime})
   */
  private void render(Job job, PlanCache plans, long t0) {
    String id = job.id();
    JobSpec spec = job.spec();
    PreparedModel loaded = models.get(spec.model(), OptionalLong.of(spec.version()));
    PreparedModel model =
        spec.input() == null ? loaded : loaded.withMetadata(spec.input().apply(loaded.metadata()));
    PlanSpec planSpec = spec.planSpec();
    RenderSettings settings =
        new RenderSettings(spec.steps(), spec.seed(), spec.learningRate(), spec.snapshots());
    if (spec.startImage() != null) {
      settings = settings.withStartImage(startImage(id, spec, model.input().channels()));
    }
    Plan plan = plans.get(model, planSpec);
    Watcher watcher = new Watcher(job, t0);
    try {
      RenderResult result;
      try {
        result = plan.render(spec.objective(), settings, watcher);
      } finally {
        try {
          watcher.flush();
        } finally {
          service.renderEnded(id);
        }
      }
      for (int b = 0; b < spec.batch(); b++) {
        images.put(id, ImageNames.finalImage(b), result.image().png(b));
      }
      images.put(id, ImageNames.GRID, result.image().gridPng());
      jobs.update(
          id,
          j ->
              j.withProgress(watcher.finished(j, result.lastObjective()))
                  .moveTo(JobStatus.SUCCEEDED, clock.instant(), null));
    } catch (RenderCancelledException e) {
      if (!running) {
        jobs.update(
            id, j -> j.moveTo(JobStatus.QUEUED, clock.instant(), null)); // picked up after restart
      } else if (watcher.overTime()) {
        jobs.update(
            id,
            j ->
                j.moveTo(
                    JobStatus.FAILED,
                    clock.instant(),
                    "the job ran longer than its time limit of "
                        + config.jobs().timeLimit().toSeconds()
                        + " s"));
      } else {
        jobs.update(id, j -> j.moveTo(JobStatus.CANCELLED, clock.instant(), null));
      }
    } catch (RuntimeException | Error e) {
      plans.discard(model, planSpec); // a plan that failed mid-step may hold a broken session
      throw e;
    }
  }

  /** The job's picture, from the image store (it may have been uploaded to another instance). */
  private ImageBatch startImage(String id, JobSpec spec, int channels) {
    byte[] bytes =
        images
            .get(id, ImageNames.START)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the start image of job " + id + " is missing from the image store"));
    StartImage image = StartImage.stored(bytes);
    if (!spec.startImage().matches(image)) {
      throw new IllegalStateException(
          "the start image of job "
              + id
              + " in the image store is not the one "
              + "submitted (SHA-256 "
              + spec.startImage().sha256()
              + ")");
    }
    float[] one = image.pixels(spec.height(), spec.width(), channels);
    return new ImageBatch(
        spec.batch(), spec.height(), spec.width(), channels, StartImage.repeat(one, spec.batch()));
  }

  private void fail(String id, Throwable t) {
    String reason =
        t instanceof OutOfMemoryError
            ? "out of memory: try a smaller image size or batch"
            : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    try {
      jobs.update(
          id,
          j ->
              j.status().canMoveTo(JobStatus.FAILED)
                  ? j.moveTo(JobStatus.FAILED, clock.instant(), reason)
                  : j);
    } catch (RuntimeException e) {
      LOG.errorf(e, "job %s: cannot record its failure", id);
    }
  }

  /**
   * Follows one render. Progress (at most every {@value #PROGRESS_INTERVAL_MS} ms) and snapshots
   * are written to the stores by the pool's writer thread, not the render's: a store write (a file
   * rename on the default store) or a PNG encoding would otherwise add to the step. Progress writes
   * are coalesced: a write not yet done is replaced by the newer one. The check before each step
   * reads memory only: this instance's cancels ({@link JobService#cancelRequestedHere}), and the
   * store's cancel flag as the last progress write found it (a cancel sent to another instance).
   */
  private final class Watcher implements RenderListener {
    private final String id;
    private final long startNanos = System.nanoTime();
    private final long limitNanos = config.jobs().timeLimit().toNanos();
    private long lastWrite = startNanos;
    private final AtomicReference<Progress> pending = new AtomicReference<>();
    private Future<?> last = CompletableFuture.completedFuture(null); // the render thread's
    private volatile boolean cancelInStore;
    private volatile RuntimeException writeFailure;
    private final long takenNanos;
    private boolean started;

    Watcher(Job job, long takenNanos) {
      this.id = job.id();
      this.takenNanos = takenNanos;
    }

    /** The progress at the end: every step done, with the rate over the whole render. */
    Progress finished(Job job, double objective) {
      int steps = job.spec().steps();
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      return new Progress(steps, steps, objective, steps / seconds, job.progress().snapshots());
    }

    @Override
    public void onStep(int step, int totalSteps, double objective) {
      throwWriteFailure();
      long now = System.nanoTime();
      if (step < totalSteps
          && now - lastWrite < TimeUnit.MILLISECONDS.toNanos(PROGRESS_INTERVAL_MS)) {
        return;
      }
      lastWrite = now;
      double seconds = (now - startNanos) / 1e9;
      Progress p = new Progress(step, totalSteps, objective, step / seconds, List.of());
      if (pending.getAndSet(p) == null) {
        last = writer.submit(this::writeProgress);
      }
    }

    private void writeProgress() {
      Progress p = pending.getAndSet(null);
      if (p == null) {
        return;
      }
      write(
          () ->
              jobs.update(
                  id,
                  j -> {
                    cancelInStore = j.cancelRequested();
                    return j.withProgress(
                        new Progress(
                            p.step(),
                            p.totalSteps(),
                            p.objective(),
                            p.stepsPerSecond(),
                            j.progress().snapshots()));
                  }));
    }

    @Override
    public void onSnapshot(int step, ImageBatch image) {
      throwWriteFailure();
      last =
          writer.submit(
              () ->
                  write(
                      () -> {
                        for (int b = 0; b < image.batch(); b++) {
                          images.put(id, ImageNames.of(step, b), image.png(b));
                        }
                        jobs.update(id, j -> j.withProgress(j.progress().withSnapshot(step)));
                      }));
    }

    private void write(Runnable w) {
      try {
        w.run();
      } catch (JobNotFoundException e) {
        cancelInStore = true; // deleted from under the render: nothing to write to
      } catch (RuntimeException e) {
        writeFailure = e;
      }
    }

    private void throwWriteFailure() {
      RuntimeException e = writeFailure;
      if (e != null) {
        throw e;
      }
    }

    /**
     * Waits until every write submitted so far is done, so that the job's final update comes after
     * them; throws what a write threw.
     */
    void flush() {
      try {
        last.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
      throwWriteFailure();
    }

    boolean overTime() {
      return System.nanoTime() - startNanos > limitNanos;
    }

    /** Memory reads only, so that the check costs nothing next to a step. */
    @Override
    public boolean stopRequested() {
      if (!started) {
        started = true;
        metrics.firstStep(Duration.ofNanos(System.nanoTime() - takenNanos));
      }
      return !running || overTime() || cancelInStore || service.cancelRequestedHere(id);
    }
  }

  // For the health probes (org.lucerna.api.health).

  /**
   * Worker threads still running; fewer than {@link #size()} while not draining means some died.
   */
  public synchronized int aliveWorkers() {
    return (int) threads.stream().filter(Thread::isAlive).count();
  }

  /** Whether the pool takes no jobs: before start-up and once shutdown has begun. */
  public boolean draining() {
    return !running;
  }

  /** Each worker's warm-up; no workers before start-up, or when this pool warms nothing. */
  public WarmupState warmup() {
    return new WarmupState(
        warmupModel == null ? null : warmupModel.get(),
        warmups.stream().map(Warmup::status).toList());
  }
}
