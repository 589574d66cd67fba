package org.lucerna.job;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModelCache;
import org.lucerna.testing.TestModels;

/**
 * The job side of the service as a process of its own, for tests that kill it: the file stores on a
 * data folder, the queue, one worker on the cpu with real TensorFlow, and the start-up recovery,
 * wired as the service wires them. It runs until its standard input closes (so it never outlives
 * the test that started it) or it is killed.
 *
 * <p>Arguments: the data folder, and {@code lucerna.jobs.max-attempts}.
 */
public final class JobProcess {
  /** What the process prints once its workers run. */
  static final String STARTED = "job process started";

  private JobProcess() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int maxAttempts = Integer.parseInt(args[1]);
    JobStore jobs = new FileJobStore(data.resolve("jobs"));
    ImageStore images = new FileImageStore(data.resolve("images"));
    JobQueue queue = new JobQueue(16);
    JobMetrics metrics = new JobMetrics(new SimpleMeterRegistry(), queue);
    TestModels.registry(); // writes the tiny CNN into the test repository if it is missing
    // Prepared once, read back at every later start, as the service does with its prepared-dir.
    ModelRegistry models =
        new ModelRegistry(
            new ModelRepository(TestModels.ROOT),
            new PreparedModelCache(data.resolve("prepared")),
            ModelRegistry.DEFAULT_MAX_BYTES);
    JobService service = new JobService(jobs, images, models, queue, Clock.systemUTC(), metrics);
    WorkerPool pool =
        new WorkerPool(
            jobs,
            images,
            models,
            queue,
            service,
            Clock.systemUTC(),
            RestartTest.config(maxAttempts),
            metrics);
    pool.start(null);
    System.out.println(STARTED);
    System.out.flush();
    while (System.in.read() >= 0) {
      // the test holds the pipe open while it wants this process
    }
    pool.stop(null);
    System.exit(0);
  }
}
