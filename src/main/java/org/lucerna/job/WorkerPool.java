package org.lucerna.job;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
import org.lucerna.model.ErrorText;
import org.lucerna.model.ModelException;
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
import org.lucerna.optvis.TransparencyMap;
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
  // As often as the event streams poll the store (api.EventStreams): a write between two polls
  // is never sent, and each costs the store a whole job document.
  private static final long PROGRESS_INTERVAL_MS = 200;
  private static final Duration POLL = Duration.ofMillis(200);

  private final ImageStore images;
  private final ModelRegistry models;
  private final WorkSource source;
  private final JobService service;
  private final Clock clock;
  private final JobsConfig config;
  private final JobMetrics metrics;
  private final Supplier<String> warmupModel;
  private final List<Thread> threads = new ArrayList<>();
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
   * A pool of one instance on its own store.
   *
   * @param defaultModel the model each worker warms before its first job, or null for no warm-up
   */
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
    this(
        images,
        models,
        defaultModel,
        new LocalWorkSource(queue, jobs, images, clock, config.jobs().maxAttempts()),
        service,
        clock,
        config,
        metrics);
  }

  /**
   * @param source where the workers get jobs and write about them
   * @param defaultModel the model each worker warms before its first job, or null for no warm-up
   */
  @Inject
  public WorkerPool(
      ImageStore images,
      ModelRegistry models,
      DefaultModel defaultModel,
      WorkSource source,
      JobService service,
      Clock clock,
      JobsConfig config,
      JobMetrics metrics) {
    this.warmupModel = defaultModel == null ? null : defaultModel::name;
    this.metrics = metrics;
    this.images = images;
    this.models = models;
    this.source = source;
    this.service = service;
    this.clock = clock;
    this.config = config;
  }

  synchronized void start(@Observes StartupEvent event) {
    source.recover();
    source.start();
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
        Thread t = new Thread(() -> work(name, execution, warmup), name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
    LOG.infof("started %d workers on %s", threads.size(), config.workers().devices());
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
    source.close();
  }

  public int size() {
    return threads.size();
  }

  /**
   * @param warmup this worker's warm-up, or null for none
   */
  private void work(String worker, ExecutionOptions execution, Warmup warmup) {
    // This worker's writes about its job (progress, snapshots), off the render thread: see Watcher.
    ExecutorService writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, worker + "-writer");
              t.setDaemon(true);
              return t;
            });
    try (PlanCache plans = new PlanCache(config.workers().planCacheSize(), execution)) {
      while (running) {
        if (warmup != null) {
          warmup.runIfDue(models, plans);
        }
        Optional<WorkSource.Run> next;
        try {
          next = source.next(worker, POLL);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) { // the database may be away for a while: try again
          LOG.warnf("cannot take a job: %s", e.getMessage());
          pause();
          continue;
        }
        if (next.isPresent()) {
          MDC.put("job", next.get().job().id());
          try {
            run(next.get(), plans, writer);
          } finally {
            MDC.remove("job");
          }
        }
      }
    } finally {
      writer.shutdown(); // every job's writes were waited for before its final update
    }
  }

  private void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(WorkSource.Run run, PlanCache plans, ExecutorService writer) {
    Job job = run.job();
    String id = job.id();
    metrics.started(Duration.between(job.times().created(), job.times().started()));
    long t0 = System.nanoTime();
    try {
      render(run, plans, writer, t0);
    } catch (Throwable t) { // the worker outlives anything a job does, out-of-memory included
      LOG.errorf(t, "job %s failed", id);
      fail(run, t);
    } finally {
      // After the failure is recorded, so that the outcome counted is the job's final status.
      Job after = run.job();
      metrics.finished(
          after.status(), Duration.ofNanos(System.nanoTime() - t0), after.progress().step());
    }
  }

  /**
   * @param t0 when the worker took the job ({@link System#nanoTime})
   */
  private void render(WorkSource.Run run, PlanCache plans, ExecutorService writer, long t0) {
    Job job = run.job();
    String id = job.id();
    JobSpec spec = job.spec();
    PreparedModel loaded = models.get(spec.model(), OptionalLong.of(spec.version()));
    PreparedModel model =
        spec.input() == null ? loaded : loaded.withMetadata(spec.input().apply(loaded.metadata()));
    PlanSpec planSpec = spec.planSpec().readingConcatInputs(model, spec.objective());
    RenderSettings settings = spec.renderSettings();
    if (spec.startImage() != null) {
      settings = settings.withStartImage(startImage(id, spec, model.input().channels()));
    }
    if (spec.sharedStart()) {
      settings = settings.withSharedStart();
    }
    Plan plan = plans.get(model, planSpec);
    Watcher watcher = new Watcher(run, writer, t0);
    try {
      RenderResult result;
      try {
        result = plan.render(spec.objective(), settings, watcher);
      } catch (RuntimeException | Error e) {
        watcher.flushAfter(e);
        throw e;
      }
      // However the render ended, its progress and snapshot writes come before the job's final
      // write: one final transition, and nothing written about the job after it.
      watcher.flush();
      Map<String, byte[]> pngs = new LinkedHashMap<>();
      for (int b = 0; b < spec.batch(); b++) {
        pngs.put(ImageNames.finalImage(b), result.image().png(b));
        TransparencyMap map = result.transparency(b);
        pngs.put(ImageNames.attribution(b), map.grayPng());
        pngs.put(ImageNames.alpha(b), map.alphaPng(result.image(), b));
        if (result.parameters() != null) {
          pngs.put(ImageNames.parameters(b), Floats.bytes(result.parameters(b)));
        }
      }
      pngs.put(ImageNames.GRID, result.image().gridPng());
      end(run, watcher, JobStatus.SUCCEEDED, null, pngs);
    } catch (RenderCancelledException e) {
      if (run.lost()) {
        LOG.warnf(
            "job %s: lease lost (another instance may have taken it over); result dropped", id);
        // Fenced: writes nothing when another claim holds the job; gives it back if nobody has.
        run.handBack();
      } else if (!running) {
        run.handBack();
      } else if (watcher.overTime()) {
        end(
            run,
            watcher,
            JobStatus.FAILED,
            "the job ran longer than its time limit of "
                + config.jobs().timeLimit().toSeconds()
                + " s",
            Map.of());
      } else {
        end(run, watcher, JobStatus.CANCELLED, null, Map.of());
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

  /**
   * The job's final write after its render ended: {@code status}, with the progress of the last
   * step done (the whole curve, whenever the last progress write was) and {@code pngs}.
   */
  private void end(
      WorkSource.Run run,
      Watcher watcher,
      JobStatus status,
      String error,
      Map<String, byte[]> pngs) {
    ended(
        run,
        run.finish(
            j -> j.withProgress(watcher.reached(j)).moveTo(status, clock.instant(), error), pngs));
  }

  /** Logs a final write that was fenced out: the job is another instance's now. */
  private static void ended(WorkSource.Run run, Optional<Job> written) {
    if (written.isEmpty()) {
      LOG.warnf(
          "job %s: lease lost (another instance took it over); result dropped", run.job().id());
    }
  }

  private void fail(WorkSource.Run run, Throwable t) {
    String id = run.job().id();
    // The document shows a short reason; the log line has the full error under the job id.
    String shortReason = ErrorText.reason(t);
    if (!(t instanceof OutOfMemoryError
        || t instanceof ModelException
        || t instanceof org.tensorflow.exceptions.TensorFlowException)) {
      shortReason += " (the log has the details under job " + id + ")";
    }
    String reason = shortReason;
    try {
      ended(
          run,
          run.finish(
              j ->
                  j.status().canMoveTo(JobStatus.FAILED)
                      ? j.moveTo(JobStatus.FAILED, clock.instant(), reason)
                      : j,
              Map.of()));
    } catch (RuntimeException e) {
      LOG.errorf(e, "job %s: cannot record its failure", id);
    }
  }

  /**
   * Follows one render. It samples the objective curve at every step (in memory: {@link
   * CurveSampler}); progress, carrying the curve so far (at most every {@value
   * #PROGRESS_INTERVAL_MS} ms), and snapshots are handed to the worker's writer thread, not written
   * by the render's: a store write (a file written and renamed on the default store, a row on
   * PostgreSQL) or a PNG encoding would otherwise add to the step. Progress is coalesced: while a
   * progress write waits for the writer, a newer one replaces it, so a slow store gets fewer writes
   * and never a backlog. Snapshots are all written, in order. Before every step the render asks
   * {@link #stopRequested}, which reads memory only (the run's cancel flag, this pool's state, the
   * clock), so a cancel stops the render within one step. {@link #flush} waits for the writes
   * before the job's final write.
   */
  private final class Watcher implements RenderListener {
    private final WorkSource.Run run;
    private final ExecutorService writer;
    private final long startNanos = System.nanoTime();
    private final long limitNanos = config.jobs().timeLimit().toNanos();
    private long lastWrite = startNanos;
    // The newest progress not yet written; null once the writer took it.
    private final AtomicReference<Progress> pending = new AtomicReference<>();
    // The render thread's last submission: the writer is one thread, so every earlier one is done
    // when this one is.
    private Future<?> last = CompletableFuture.completedFuture(null);
    private volatile RuntimeException writeFailure;

    private final long takenNanos;
    private boolean started;
    private final CurveSampler curve;
    private int lastStep;
    private double lastObjective;
    // When the last step ended: the rate is the render's, without the final images' encoding.
    private long lastStepNanos;

    Watcher(WorkSource.Run run, ExecutorService writer, long takenNanos) {
      this.run = run;
      this.writer = writer;
      this.takenNanos = takenNanos;
      this.curve = new CurveSampler(run.job().spec().steps());
    }

    /**
     * The job's final progress, on the render thread once the render ended: the last step done
     * (every step when it succeeded), with the rate over the whole render and the whole curve,
     * however long ago the last progress write was. The job's progress when no step was done.
     */
    Progress reached(Job job) {
      if (lastStep == 0) {
        return job.progress();
      }
      double seconds = (lastStepNanos - startNanos) / 1e9;
      return new Progress(
          lastStep,
          job.spec().steps(),
          lastObjective,
          lastStep / seconds,
          job.progress().snapshots(),
          curve.points());
    }

    @Override
    public void onStep(int step, int totalSteps, double objective) {
      throwWriteFailure();
      curve.add(step, objective);
      lastStep = step;
      lastObjective = objective;
      long now = System.nanoTime();
      lastStepNanos = now;
      if (step < totalSteps
          && now - lastWrite < TimeUnit.MILLISECONDS.toNanos(PROGRESS_INTERVAL_MS)) {
        return;
      }
      lastWrite = now;
      double seconds = (now - startNanos) / 1e9;
      // Snapshots are the run's to keep: the writer adds them to the job's progress.
      Progress p =
          new Progress(step, totalSteps, objective, step / seconds, List.of(), curve.points());
      if (pending.getAndSet(p) == null) {
        last = writer.submit(() -> write(this::writeProgress));
      }
    }

    private void writeProgress() {
      Progress p = pending.getAndSet(null);
      if (p != null) {
        run.progress(p);
      }
    }

    @Override
    public void onSnapshot(int step, ImageBatch image) {
      throwWriteFailure();
      // The image is the render's copy of the step's pixels: the render does not touch it again.
      last =
          writer.submit(
              () ->
                  write(
                      () -> {
                        Map<String, byte[]> pngs = new LinkedHashMap<>();
                        for (int b = 0; b < image.batch(); b++) {
                          pngs.put(ImageNames.of(step, b), image.png(b));
                        }
                        run.snapshot(step, pngs);
                      }));
    }

    /** On the writer: a failure is kept for the render thread, which throws it at its next step. */
    private void write(Runnable w) {
      if (writeFailure != null) {
        return; // the job fails with the first one; later writes would only repeat it
      }
      try {
        w.run();
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
     * Waits until every write handed to the writer is done, so that the job's final write comes
     * after them; throws what a write threw (the job then fails, as it did when the render thread
     * wrote).
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

    /** As {@link #flush}, when the render threw {@code e}: what a write threw is added to it. */
    void flushAfter(Throwable e) {
      try {
        flush();
      } catch (RuntimeException w) {
        if (w != e) {
          e.addSuppressed(w);
        }
      }
    }

    boolean overTime() {
      return System.nanoTime() - startNanos > limitNanos;
    }

    /**
     * Asked before every step, so that a cancel stops the render within one step; every part reads
     * memory (see {@link WorkSource.Run#cancelRequested}).
     */
    @Override
    public boolean stopRequested() {
      if (!started) {
        started = true;
        metrics.firstStep(Duration.ofNanos(System.nanoTime() - takenNanos));
      }
      return !running || overTime() || run.lost() || run.cancelRequested();
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
