package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.param.StartImage;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.testing.TestModels;
import org.lucerna.testing.TestPngs;

/**
 * A job that throws inside its render ends FAILED, is counted so, and its worker takes the next
 * job.
 */
class WorkerFailureTest {

  @Test
  void aFailingJobEndsFailedIsCountedSoAndTheWorkerGoesOn() throws Exception {
    InMemoryJobStore jobs = new InMemoryJobStore();
    InMemoryImageStore images = new InMemoryImageStore();
    JobQueue queue = new JobQueue(16);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    JobMetrics metrics = new JobMetrics(registry, queue);
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
            RestartTest.CONFIG,
            metrics);
    // A job whose start image is gone from the image store by the time a worker takes it: the
    // render throws.
    byte[] picture = TestPngs.encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    JobSpec withPicture = spec(Objectives.channel("conv2", 1));
    withPicture =
        new JobSpec(
            withPicture.model(),
            withPicture.version(),
            withPicture.objective(),
            16,
            16,
            1,
            3,
            1,
            0.05,
            List.of(),
            ParamSpec.DEFAULT,
            List.of(),
            FitMode.RESIZE,
            false,
            false,
            null,
            StartImageRef.of(StartImage.read(picture, 1)));
    String failing = service.submit(withPicture, StartImage.read(picture, 1), null).job().id();
    images.deleteAll(failing);
    String next = service.submit(spec(Objectives.channel("conv2", 1)), null).job().id();
    pool.start(null);
    try {
      Job failed = await(jobs, failing, JobStatus.FAILED);
      assertTrue(
          failed.error() != null && !failed.error().isBlank(),
          "the reason is kept: " + failed.error());
      await(jobs, next, JobStatus.SUCCEEDED);
      assertEquals(
          1.0, registry.get("lucerna.jobs.completed").tag("outcome", "FAILED").counter().count());
      assertEquals(
          1.0,
          registry.get("lucerna.jobs.completed").tag("outcome", "SUCCEEDED").counter().count());
      assertEquals(0.0, registry.get("lucerna.jobs.running").gauge().value());
    } finally {
      pool.stop(null);
    }
  }

  private static JobSpec spec(org.lucerna.optvis.Objective objective) {
    return new JobSpec(
        "tiny_cnn",
        0,
        objective,
        16,
        16,
        1,
        3,
        1,
        0.05,
        List.of(),
        ParamSpec.DEFAULT,
        List.of(),
        FitMode.RESIZE,
        false,
        false,
        null,
        null);
  }

  private static Job await(JobStore jobs, String id, JobStatus status) {
    return Awaitility.await("job " + id + " " + status)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .failFast(
            "job " + id + " ended otherwise",
            () -> RestartTest.endedOtherwise(jobs.find(id).orElseThrow(), status))
        .until(() -> jobs.find(id).orElseThrow(), job -> job.status() == status);
  }
}
