package org.lucerna.job;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.Device;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanCache;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderCancelledException;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;

/**
 * The threads that run renders: {@code per-device} workers on each configured device, each taking job
 * ids from the queue. A failure inside a job ends that job FAILED; the worker goes on.
 */
@ApplicationScoped
public class WorkerPool {
  private static final Logger LOG = Logger.getLogger(WorkerPool.class);
  private static final long PROGRESS_INTERVAL_MS = 100;

  private final JobStore jobs;
  private final ImageStore images;
  private final ModelRegistry models;
  private final JobQueue queue;
  private final Clock clock;
  private final JobsConfig config;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public WorkerPool(JobStore jobs, ImageStore images, ModelRegistry models, JobQueue queue, Clock clock,
      JobsConfig config) {
    this.jobs = jobs;
    this.images = images;
    this.models = models;
    this.queue = queue;
    this.clock = clock;
    this.config = config;
  }

  synchronized void start(@Observes StartupEvent event) {
    running = true;
    for (String d : config.workers().devices()) {
      Device device = Device.parse(d);
      ExecutionOptions execution = new ExecutionOptions(
          device, config.workers().intraOpThreads(), config.workers().interOpThreads());
      for (int i = 0; i < config.workers().perDevice(); i++) {
        Thread t = new Thread(() -> work(execution), "lucerna-worker-" + device + "-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
    LOG.infof("started %d workers on %s", threads.size(), config.workers().devices());
  }

  synchronized void stop(@Observes ShutdownEvent event) {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
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

  private void work(ExecutionOptions execution) {
    try (PlanCache plans = new PlanCache(config.workers().planCacheSize(), execution)) {
      work(plans);
    }
  }

  private void work(PlanCache plans) {
    while (running) {
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
        } catch (Throwable t) { // the worker outlives anything a job does, out-of-memory included
          LOG.errorf(t, "job %s: unexpected failure", id);
          fail(id, t);
        } finally {
          MDC.remove("job");
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
    JobSpec spec = job.spec();
    PreparedModel model = models.get(spec.model(), OptionalLong.of(spec.version()));
    Objective objective = spec.objective();
    PlanSpec planSpec = PlanSpec.of(spec.size(), spec.size(), spec.batch(), objective);
    RenderSettings settings = new RenderSettings(spec.steps(), spec.seed(), spec.learningRate(), spec.snapshots());
    Plan plan = plans.get(model, planSpec);
    try {
      RenderResult result = plan.render(objective, settings, new ProgressWriter(id));
      for (var snapshot : result.snapshots().entrySet()) {
        for (int b = 0; b < spec.batch(); b++) {
          images.put(id, ImageNames.of(snapshot.getKey(), b), snapshot.getValue().png(b));
        }
      }
      for (int b = 0; b < spec.batch(); b++) {
        images.put(id, ImageNames.finalImage(b), result.image().png(b));
      }
      Progress done = new Progress(spec.steps(), spec.steps(), result.lastObjective());
      jobs.update(id, j -> j.withProgress(done).moveTo(JobStatus.SUCCEEDED, clock.instant(), null));
    } catch (RenderCancelledException e) {
      // Stopped by a shutdown, the job goes back to the queue; otherwise it was cancelled.
      JobStatus next = running ? JobStatus.CANCELLED : JobStatus.QUEUED;
      jobs.update(id, j -> j.moveTo(next, clock.instant(), null));
    } catch (RuntimeException | Error e) {
      plans.discard(model, planSpec); // a plan that failed mid-step may hold a broken session
      throw e;
    }
  }

  private void fail(String id, Throwable t) {
    String reason = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    try {
      jobs.update(id, j -> j.status().canMoveTo(JobStatus.FAILED)
          ? j.moveTo(JobStatus.FAILED, clock.instant(), reason) : j);
    } catch (RuntimeException e) {
      LOG.errorf(e, "job %s: cannot record its failure", id);
    }
  }

  /** Writes progress to the store at most every {@value #PROGRESS_INTERVAL_MS} ms. */
  private final class ProgressWriter implements RenderListener {
    private final String id;
    private long lastWrite;

    ProgressWriter(String id) {
      this.id = id;
    }

    @Override
    public void onStep(int step, int totalSteps, double objective) {
      long now = System.nanoTime();
      if (step < totalSteps && now - lastWrite < TimeUnit.MILLISECONDS.toNanos(PROGRESS_INTERVAL_MS)) {
        return;
      }
      lastWrite = now;
      Progress p = new Progress(step, totalSteps, objective);
      jobs.update(id, j -> j.withProgress(p));
    }

    @Override
    public boolean stopRequested() {
      return !running;
    }
  }

  // For the health probes (org.lucerna.api.health).

  /** Worker threads still running; fewer than {@link #size()} while not draining means some died. */
  public synchronized int aliveWorkers() {
    return (int) threads.stream().filter(Thread::isAlive).count();
  }

  /** Whether the pool takes no jobs: before start-up and once shutdown has begun. */
  public boolean draining() {
    return !running;
  }
}
