package org.lucerna.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The service's own meters, published by Micrometer at {@code /q/metrics} (names there: dots become
 * underscores, counters end in {@code _total}, timers in {@code _seconds}). The job service and the
 * worker pool call it; it never reads a job.
 */
@ApplicationScoped
public class JobMetrics {
  /** Rejection reasons, the {@code reason} tag of {@code lucerna.jobs.rejected}. */
  public static final String VALIDATION = "validation";

  public static final String QUEUE_FULL = "queue_full";

  private final MeterRegistry registry;
  private final AtomicInteger running = new AtomicInteger();
  private final Counter submitted;
  private final Counter requeued;
  private final Timer queueWait;
  private final Timer runTime;
  private final DistributionSummary stepsPerSecond;
  private final Timer firstStep;

  public JobMetrics(MeterRegistry registry, JobQueue queue) {
    this(registry, (ToDoubleFunction<Object>) q -> queue.size());
  }

  /** Meters of a service whose queue is {@code source} (a database's when instances share one). */
  @Inject
  public JobMetrics(MeterRegistry registry, WorkSource source) {
    this(registry, (ToDoubleFunction<Object>) q -> queuedOrNaN(source));
  }

  private JobMetrics(MeterRegistry registry, ToDoubleFunction<Object> queued) {
    this.registry = registry;
    Gauge.builder("lucerna.jobs.queued", this, queued)
        .description("Jobs waiting for a worker (in every instance, when they share a database)")
        .register(registry);
    Gauge.builder("lucerna.jobs.running", running, AtomicInteger::get)
        .description("Jobs a worker is rendering")
        .register(registry);
    submitted =
        Counter.builder("lucerna.jobs.submitted")
            .description("Jobs accepted into the queue")
            .register(registry);
    requeued =
        Counter.builder("lucerna.jobs.requeued")
            .description("Running jobs put back into the queue by a shutdown")
            .register(registry);
    // Percentile histograms rather than client-side percentiles: Prometheus can aggregate buckets
    // across pods, never precomputed quantiles.
    queueWait =
        Timer.builder("lucerna.jobs.queue.wait")
            .description("Time from submission to a worker taking the job")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofHours(1))
            .register(registry);
    runTime =
        Timer.builder("lucerna.jobs.run")
            .description("Time a worker spent on a job, by any outcome")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofHours(1))
            .register(registry);
    firstStep =
        Timer.builder("lucerna.jobs.first.step")
            .description(
                "Time from a worker taking a job to its first optimization step, building the"
                    + " plan included when the worker had none")
            .register(registry);
    stepsPerSecond =
        DistributionSummary.builder("lucerna.render.steps.per.second")
            .description("Optimization steps per second of a job's render")
            .register(registry);
  }

  /** A scrape must not fail while the database is away: NaN says "unknown". */
  private static double queuedOrNaN(WorkSource source) {
    try {
      return source.queued();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /** A job was accepted into the queue. */
  public void submitted() {
    submitted.increment();
  }

  /**
   * A submission was refused: {@link #VALIDATION}, {@link #QUEUE_FULL}, or another short reason.
   */
  public void rejected(String reason) {
    Counter.builder("lucerna.jobs.rejected")
        .description("Submissions refused, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** A worker took a job that waited {@code wait} in the queue. */
  public void started(Duration wait) {
    running.incrementAndGet();
    queueWait.record(wait);
  }

  /**
   * A worker is done with a job after {@code run} and {@code steps} optimization steps. {@code
   * outcome} is the status it left the job in: a final one, or QUEUED when a shutdown put it back.
   * The steps per second it records include building the plan when the worker had none cached; a
   * caller that times the render loop alone passes 0 steps here and calls {@link #stepsPerSecond}
   * instead.
   */
  public void finished(JobStatus outcome, Duration run, int steps) {
    running.decrementAndGet();
    runTime.record(run);
    if (outcome == JobStatus.QUEUED) {
      requeued.increment();
    } else {
      Counter.builder("lucerna.jobs.completed")
          .description("Jobs that ended, by outcome")
          .tag("outcome", outcome.name())
          .register(registry)
          .increment();
    }
    if (steps > 0 && run.toNanos() > 0) {
      stepsPerSecond(steps / (run.toNanos() / 1e9));
    }
  }

  /** A job's first optimization step starts {@code wait} after its worker took it. */
  public void firstStep(Duration wait) {
    firstStep.record(wait);
  }

  /** One render's speed, timed by the caller (see {@link #finished}). */
  public void stepsPerSecond(double value) {
    stepsPerSecond.record(value);
  }

  /** A model became usable after {@code took} (reading, freezing and cataloguing it). */
  public void modelLoaded(String model, Duration took) {
    Timer.builder("lucerna.model.load")
        .description("Time to load and prepare a model")
        .tag("model", model)
        .register(registry)
        .record(took);
  }
}
