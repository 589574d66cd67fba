package org.lucerna.job;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.lucerna.model.DefaultModel;
import org.lucerna.model.ModelsConfig;
import org.lucerna.testing.TestModels;

/** Worker pools over the test models that warm a default model, configured as Quarkus would. */
public final class WarmingPools {
  private WarmingPools() {}

  /** A pool of {@code perDevice} CPU workers warming {@code defaultModel}; not started. */
  public static WorkerPool of(String defaultModel, int perDevice) {
    SmallRyeConfig config = config(defaultModel, perDevice);
    JobsConfig jobsConfig = config.getConfigMapping(JobsConfig.class);
    JobQueue queue = new JobQueue(16);
    InMemoryJobStore jobs = new InMemoryJobStore();
    InMemoryImageStore images = new InMemoryImageStore();
    JobMetrics metrics = new JobMetrics(new SimpleMeterRegistry(), queue);
    JobService service =
        new JobService(jobs, images, TestModels.registry(), queue, Clock.systemUTC(), metrics);
    DefaultModel model =
        new DefaultModel(config.getConfigMapping(ModelsConfig.class), TestModels.registry());
    return new WorkerPool(
        jobs,
        images,
        TestModels.registry(),
        model,
        queue,
        service,
        Clock.systemUTC(),
        jobsConfig,
        metrics);
  }

  /** Starts the pool as the start-up event does, for tests outside this package. */
  public static void start(WorkerPool pool) {
    pool.start(null);
  }

  public static void stop(WorkerPool pool) {
    pool.stop(null);
  }

  /** The pool's warm-up state once {@code until} holds; fails after {@code timeout}. */
  public static WarmupState await(WorkerPool pool, Predicate<WarmupState> until, Duration timeout) {
    return Awaitility.await("the warm-up")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .until(pool::warmup, until);
  }

  // Built by SmallRye Config as Quarkus does, so that the defaults are the code's own.
  public static SmallRyeConfig config(String defaultModel, int perDevice) {
    return new SmallRyeConfigBuilder()
        .withConverter(
            Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
        .withMapping(JobsConfig.class)
        .withMapping(ModelsConfig.class)
        .withDefaultValues(
            Map.of(
                "lucerna.models.root",
                TestModels.ROOT.toString(),
                "lucerna.models.default",
                defaultModel,
                "lucerna.models.builtin",
                "false",
                "lucerna.workers.per-device",
                Integer.toString(perDevice)))
        .build();
  }
}
