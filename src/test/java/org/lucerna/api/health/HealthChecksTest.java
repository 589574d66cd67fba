package org.lucerna.api.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
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
import org.lucerna.job.WorkerPool;
import org.lucerna.model.DefaultModel;
import org.lucerna.model.ModelsConfig;
import org.lucerna.model.TinyCnn;
import org.lucerna.testing.TestModels;

/** The DOWN sides of the probes, which a running test service never shows. */
class HealthChecksTest {

  @Test
  void aPoolThatTakesNoJobsIsNotReadyButAlive() {
    JobsConfig config = jobsConfig();
    JobQueue queue = new JobQueue(config);
    InMemoryJobStore jobs = new InMemoryJobStore();
    InMemoryImageStore images = new InMemoryImageStore();
    JobMetrics metrics = new JobMetrics(new SimpleMeterRegistry(), queue);
    JobService service = new JobService(jobs, images, TestModels.registry(), queue, Clock.systemUTC(), metrics);
    WorkerPool pool = new WorkerPool(jobs, images, TestModels.registry(), queue, service, Clock.systemUTC(), config,
        metrics);
    // Never started: the state of a pool before start-up, and after shutdown began.
    HealthCheckResponse ready = new ReadyCheck(pool, queue).call();
    assertEquals(HealthCheckResponse.Status.DOWN, ready.getStatus());
    assertEquals(true, ready.getData().orElseThrow().get("draining"));
    assertEquals(HealthCheckResponse.Status.UP, new LiveCheck(pool).call().getStatus());
  }

  @Test
  void aMissingDefaultModelKeepsTheServiceUnstartedAndSaysWhy() {
    WarmupState warmup = new WarmupState(TestModels.registry(), new DefaultModel(modelsConfig("no_such_model"), TestModels.registry()), jobsConfig(),
        new JobMetrics(new SimpleMeterRegistry(), new JobQueue(jobsConfig())));
    StartedCheck check = new StartedCheck(warmup);
    warmup.start(null);
    try {
      await("a warm-up attempt").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
          .until(() -> warmup.status().attempts() > 0);
      HealthCheckResponse started = check.call();
      assertEquals(HealthCheckResponse.Status.DOWN, started.getStatus());
      String failure = (String) started.getData().orElseThrow().get("lastFailure");
      assertTrue(failure.contains("no_such_model"), failure);
    } finally {
      warmup.stop(null);
    }
  }

  // Built by SmallRye Config as Quarkus does, so that the defaults are the code's own.
  private static SmallRyeConfig config(String defaultModel) {
    return new SmallRyeConfigBuilder()
        .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
        .withMapping(JobsConfig.class)
        .withMapping(ModelsConfig.class)
        .withDefaultValues(Map.of(
            "lucerna.models.root", TestModels.ROOT.toString(),
            "lucerna.models.default", defaultModel,
            "lucerna.models.builtin", "false"))
        .build();
  }

  private static JobsConfig jobsConfig() {
    return config(TinyCnn.NAME).getConfigMapping(JobsConfig.class);
  }

  private static ModelsConfig modelsConfig(String defaultModel) {
    return config(defaultModel).getConfigMapping(ModelsConfig.class);
  }
}
