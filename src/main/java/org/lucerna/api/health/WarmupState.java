package org.lucerna.api.health;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.lucerna.job.JobMetrics;
import org.lucerna.job.JobsConfig;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.DefaultModel;
import org.lucerna.optvis.Device;
import org.lucerna.optvis.ExecutionOptions;

/**
 * Runs the warm-up once at start-up, off the start-up thread so that HTTP (and the probes) answer while
 * it runs, and retries it: a model repository on a volume that is mounted late becomes usable without
 * a restart, and until then the started probe says why not.
 */
@ApplicationScoped
public class WarmupState {
  private static final Logger LOG = Logger.getLogger(WarmupState.class);
  private static final Duration RETRY = Duration.ofSeconds(10);

  /** Where the warm-up is: {@code warmed} once it succeeded, else the last failure, if any. */
  public record Status(Warmup.Warmed warmed, String lastFailure, int attempts) {
    boolean done() {
      return warmed != null;
    }
  }

  private final ModelRegistry models;
  private final DefaultModel defaultModel;
  private final JobsConfig jobsConfig;
  private final JobMetrics metrics;
  private volatile Status status = new Status(null, null, 0);
  private volatile Thread thread;

  public WarmupState(ModelRegistry models, DefaultModel defaultModel, JobsConfig jobsConfig, JobMetrics metrics) {
    this.models = models;
    this.defaultModel = defaultModel;
    this.jobsConfig = jobsConfig;
    this.metrics = metrics;
  }

  public Status status() {
    return status;
  }

  public String model() {
    return defaultModel.name();
  }

  // Later than the default observer priority: after ModelBeans has written the built-in model.
  void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
    // The device of the first workers: on a GPU pod, warming the CPU would leave CUDA cold.
    Device device = Device.parse(jobsConfig.workers().devices().get(0));
    ExecutionOptions execution = new ExecutionOptions(
        device, jobsConfig.workers().intraOpThreads(), jobsConfig.workers().interOpThreads());
    Warmup warmup = new Warmup(models, model(), execution);
    Thread t = new Thread(() -> runUntilDone(warmup), "lucerna-warmup");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  void stop(@Observes ShutdownEvent event) {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  private void runUntilDone(Warmup warmup) {
    for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
      try {
        Warmup.Warmed warmed = warmup.run();
        metrics.modelLoaded(warmed.model().name(), warmed.load());
        status = new Status(warmed, null, attempt);
        LOG.infof("warmed %s: load %d ms, first plan %d ms", warmed.model(),
            warmed.load().toMillis(), warmed.firstPlan().toMillis());
        return;
      } catch (RuntimeException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        status = new Status(null, reason, attempt);
        LOG.warnf("warm-up of model %s failed (attempt %d), retrying in %d s: %s",
            model(), attempt, RETRY.toSeconds(), reason);
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
