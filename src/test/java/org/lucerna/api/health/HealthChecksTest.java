package org.lucerna.api.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.lucerna.job.InMemoryImageStore;
import org.lucerna.job.InMemoryJobStore;
import org.lucerna.job.JobMetrics;
import org.lucerna.job.JobQueue;
import org.lucerna.job.JobService;
import org.lucerna.job.JobsConfig;
import org.lucerna.job.WarmingPools;
import org.lucerna.job.WarmupState;
import org.lucerna.job.WorkerPool;
import org.lucerna.model.TinyCnn;
import org.lucerna.testing.TestModels;

/** The DOWN sides of the probes, which a running test service never shows. */
class HealthChecksTest {

  @Test
  void aPoolThatTakesNoJobsIsNotReadyButAlive() {
    JobsConfig config = jobsConfig();
    JobQueue queue = new JobQueue(16);
    InMemoryJobStore jobs = new InMemoryJobStore();
    InMemoryImageStore images = new InMemoryImageStore();
    JobMetrics metrics = new JobMetrics(new SimpleMeterRegistry(), queue);
    JobService service =
        new JobService(jobs, images, TestModels.registry(), queue, Clock.systemUTC(), metrics);
    WorkerPool pool =
        new WorkerPool(
            jobs,
            images,
            TestModels.registry(),
            queue,
            service,
            Clock.systemUTC(),
            config,
            metrics);
    // Never started: the state of a pool before start-up, and after shutdown began.
    HealthCheckResponse ready = new ReadyCheck(pool, queue).call();
    assertEquals(HealthCheckResponse.Status.DOWN, ready.getStatus());
    assertEquals(true, ready.getData().orElseThrow().get("draining"));
    assertEquals(HealthCheckResponse.Status.UP, new LiveCheck(pool).call().getStatus());
  }

  @Test
  void aMissingDefaultModelKeepsTheServiceUnstartedAndSaysWhy() throws InterruptedException {
    WorkerPool pool = WarmingPools.of("no_such_model", 1);
    StartedCheck check = new StartedCheck(pool);
    WarmingPools.start(pool);
    try {
      WarmingPools.await(pool, s -> s.attempts() > 0, Duration.ofSeconds(30));
      HealthCheckResponse started = check.call();
      assertEquals(HealthCheckResponse.Status.DOWN, started.getStatus());
      String failure = (String) started.getData().orElseThrow().get("lastFailure");
      assertTrue(failure.contains("no_such_model"), failure);
    } finally {
      WarmingPools.stop(pool);
    }
  }

  @Test
  void startedOnceEveryWorkerIsWarmWithTheSlowestFigures() throws InterruptedException {
    WorkerPool pool = WarmingPools.of(TinyCnn.NAME, 2);
    StartedCheck check = new StartedCheck(pool);
    assertEquals(HealthCheckResponse.Status.DOWN, check.call().getStatus());
    WarmingPools.start(pool);
    try {
      WarmupState state = WarmingPools.await(pool, WarmupState::done, Duration.ofSeconds(60));
      HealthCheckResponse started = check.call();
      assertEquals(HealthCheckResponse.Status.UP, started.getStatus());
      Map<String, Object> data = started.getData().orElseThrow();
      assertEquals(TinyCnn.NAME, data.get("model"));
      assertEquals(2L, data.get("workers"));
      assertEquals(1L, data.get("version"));
      assertEquals(
          state.slowest().orElseThrow().firstPlan().toMillis(), data.get("firstPlanMillis"));
    } finally {
      WarmingPools.stop(pool);
    }
  }

  private static JobsConfig jobsConfig() {
    return WarmingPools.config(TinyCnn.NAME, 1).getConfigMapping(JobsConfig.class);
  }
}
