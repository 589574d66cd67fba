package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.param.StartImage;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;
import org.lucerna.testing.TestPngs;

/**
 * A service stopped and started again on the same data folder: finished jobs keep their images, and
 * jobs that were queued or running at the stop complete after the start. Real renders, real files.
 */
class RestartTest {
  @TempDir Path data;

  /** One run of the job side of the service over {@link #data}. */
  private final class Instance {
    final JobStore jobs = new FileJobStore(data.resolve("jobs"));
    final ImageStore images = new FileImageStore(data.resolve("images"));
    final JobQueue queue = new JobQueue(16);
    final JobMetrics metrics = new JobMetrics(new SimpleMeterRegistry(), queue);
    final JobService service =
        new JobService(jobs, images, TestModels.registry(), queue, Clock.systemUTC(), metrics);
    final WorkerPool pool =
        new WorkerPool(
            jobs,
            images,
            TestModels.registry(),
            queue,
            service,
            Clock.systemUTC(),
            CONFIG,
            metrics);

    Job await(String id, JobStatus status) {
      return Awaitility.await("job " + id + " " + status)
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .failFast(
              "job " + id + " ended otherwise",
              () -> endedOtherwise(jobs.find(id).orElseThrow(), status))
          .until(() -> jobs.find(id).orElseThrow(), job -> job.status() == status);
    }
  }

  /**
   * Whether the job has ended in another state than the one awaited, so that waiting longer is no
   * use.
   */
  static boolean endedOtherwise(Job job, JobStatus awaited) {
    return job.status().isFinal() && job.status() != awaited;
  }

  static JobSpec spec(int size, int steps, long seed) {
    return new JobSpec(
        "tiny_cnn",
        0,
        Objectives.channel("conv2", 4),
        size,
        size,
        1,
        steps,
        seed,
        0.05,
        List.of(),
        ParamSpec.DEFAULT,
        Transforms.standard(),
        FitMode.RESIZE,
        false,
        false,
        null,
        null);
  }

  @Test
  void finishedJobsKeepTheirImagesAndUnfinishedOnesCompleteAfterTheStart() throws Exception {
    Instance first = new Instance();
    first.pool.start(null);
    String done = first.service.submit(spec(32, 5, 1), null).job().id();
    first.await(done, JobStatus.SUCCEEDED);
    byte[] png = first.images.get(done, ImageNames.finalImage(0)).orElseThrow();
    String running = first.service.submit(spec(48, 3000, 2), null).job().id();
    String queued = first.service.submit(spec(32, 5, 3), null).job().id();
    first.await(running, JobStatus.RUNNING);
    assertEquals(1, first.jobs.find(running).orElseThrow().attempts());
    first.pool.stop(null);
    assertEquals(JobStatus.QUEUED, first.jobs.find(running).orElseThrow().status());
    assertEquals(
        0,
        first.jobs.find(running).orElseThrow().attempts(),
        "a job handed back by a graceful stop has used no attempt");
    assertEquals(JobStatus.QUEUED, first.jobs.find(queued).orElseThrow().status());

    Instance second = new Instance();
    assertEquals(JobStatus.SUCCEEDED, second.jobs.find(done).orElseThrow().status());
    assertTrue(
        java.util.Arrays.equals(
            png, second.images.get(done, ImageNames.finalImage(0)).orElseThrow()));
    second.pool.start(null);
    second.await(queued, JobStatus.SUCCEEDED);
    Job finished = second.await(running, JobStatus.SUCCEEDED);
    assertEquals(3000, finished.progress().step());
    assertEquals(1, finished.attempts());
    assertTrue(second.images.get(queued, ImageNames.finalImage(0)).isPresent());
    second.pool.stop(null);
  }

  @Test
  void aQueuedJobsStartImageIsKeptOnDiskAndUsedAfterTheStart() throws Exception {
    BufferedImage picture = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 24; x++) {
        picture.setRGB(x, y, ((40 + 7 * x) << 16) | ((40 + 10 * y) << 8) | 128);
      }
    }
    byte[] bytes = TestPngs.encode(picture);
    JobSpec spec =
        new JobSpec(
            "tiny_cnn",
            0,
            Objectives.channel("conv2", 4),
            16,
            24,
            2,
            1,
            7,
            1e-6,
            List.of(),
            ParamSpec.DEFAULT,
            List.of(),
            FitMode.RESIZE,
            false,
            false,
            null,
            StartImageRef.of(StartImage.read(bytes, 16 * 24)));

    Instance first = new Instance(); // never started: the job waits in the store
    String id = first.service.submit(spec, StartImage.read(bytes, 16 * 24), null).job().id();
    assertArrayEquals(bytes, first.images.get(id, ImageNames.START).orElseThrow());

    Instance second = new Instance();
    assertArrayEquals(bytes, second.images.get(id, ImageNames.START).orElseThrow());
    second.pool.start(null);
    second.await(id, JobStatus.SUCCEEDED);
    second.pool.stop(null);
    for (int b = 0; b < 2; b++) {
      BufferedImage result =
          TestPngs.decode(second.images.get(id, ImageNames.finalImage(b)).orElseThrow());
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 24; x++) {
          for (int shift = 0; shift <= 16; shift += 8) {
            int want = (picture.getRGB(x, y) >> shift) & 0xff;
            int got = (result.getRGB(x, y) >> shift) & 0xff;
            assertTrue(
                Math.abs(want - got) <= 1,
                "batch element "
                    + b
                    + " at "
                    + x
                    + ","
                    + y
                    + ": "
                    + got
                    + " where the start image has "
                    + want);
          }
        }
      }
    }
  }

  static final JobsConfig CONFIG = config(3);

  /** One cpu worker, a 10-minute time limit, and {@code maxAttempts} starts per job. */
  static JobsConfig config(int maxAttempts) {
    return new JobsConfig() {
      @Override
      public Workers workers() {
        return new Workers() {
          @Override
          public List<String> devices() {
            return List.of("cpu");
          }

          @Override
          public int perDevice() {
            return 1;
          }

          @Override
          public String warmupLayer() {
            return "mixed4";
          }

          @Override
          public int intraOpThreads() {
            return 0;
          }

          @Override
          public int interOpThreads() {
            return 0;
          }

          @Override
          public int planCacheSize() {
            return 2;
          }
        };
      }

      @Override
      public Jobs jobs() {
        return new Jobs() {
          @Override
          public Duration timeLimit() {
            return Duration.ofMinutes(10);
          }

          @Override
          public int maxAttempts() {
            return maxAttempts;
          }
        };
      }

      @Override
      public Data data() {
        return new Data() {
          @Override
          public Path dir() {
            return Path.of("unused");
          }

          @Override
          public String store() {
            return "file";
          }

          @Override
          public Duration retention() {
            return Duration.ofDays(30);
          }
        };
      }
    };
  }
}
