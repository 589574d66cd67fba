package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.testing.TestModels;

/**
 * A job whose process is killed (SIGKILL) while it runs, at every start: after {@code max-attempts}
 * starts it ends FAILED, and the process goes on with the next job. The process is a real second
 * JVM ({@link JobProcess}: the service's stores, queue, worker pool and start-up recovery on a data
 * folder, real TensorFlow), killed with {@link Process#destroyForcibly()}.
 */
class CrashRecoveryTest {
  private static final int MAX_ATTEMPTS = 3;

  @TempDir Path data;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killWhatIsLeft() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  @Test
  void aJobKilledAtEveryStartEndsFailedAfterMaxAttemptsAndTheNextJobRuns() throws Exception {
    // Submitted by a service that never starts its workers: the jobs wait in the data folder.
    JobStore store = new FileJobStore(data.resolve("jobs"));
    ImageStore images = new FileImageStore(data.resolve("images"));
    JobQueue queue = new JobQueue(16);
    JobService service =
        new JobService(
            store,
            images,
            TestModels.registry(),
            queue,
            Clock.systemUTC(),
            new JobMetrics(new SimpleMeterRegistry(), queue));
    // Far more steps than the test lets it run: it is rendering whenever it is killed.
    String poison = service.submit(RestartTest.spec(32, 5_000_000, 1), null).job().id();
    String next = service.submit(RestartTest.spec(16, 5, 2), null).job().id();

    for (int start = 1; start <= MAX_ATTEMPTS; start++) {
      long t0 = System.nanoTime();
      Process process = start(start);
      int attempt = start;
      Job running =
          await(process, "start " + start + ": job " + poison + " rendering, attempt " + attempt)
              .until(
                  () -> stored(poison),
                  j ->
                      j.status() == JobStatus.RUNNING
                          && j.attempts() == attempt
                          && j.progress().step() > 0);
      assertEquals(JobStatus.QUEUED, stored(next).status(), "the next job waits behind it");
      System.out.printf(
          "[CrashRecoveryTest] start %d: rendering (step %d) %d ms after the process started%n",
          start, running.progress().step(), (System.nanoTime() - t0) / 1_000_000);
      process.destroyForcibly();
      assertEquals(128 + 9, process.waitFor(), "ended by SIGKILL");
      assertEquals(JobStatus.RUNNING, stored(poison).status(), "left running by the kill");
      assertTrue(running.progress().step() < 5_000_000);
    }

    Process last = start(MAX_ATTEMPTS + 1);
    Job failed =
        await(last, "job " + poison + " FAILED")
            .until(() -> stored(poison), j -> j.status().isFinal());
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals(MAX_ATTEMPTS, failed.attempts());
    assertEquals(
        "the service stopped while running this job 3 times, the most it allows; it is not run"
            + " again",
        failed.error());
    Job done =
        await(last, "job " + next + " SUCCEEDED")
            .until(() -> stored(next), j -> j.status().isFinal());
    assertEquals(JobStatus.SUCCEEDED, done.status(), "error: " + done.error());
    assertEquals(1, done.attempts());
    assertTrue(new FileImageStore(data.resolve("images")).get(next, ImageNames.GRID).isPresent());
  }

  /** The job as the process last stored it, read afresh from the data folder. */
  private Job stored(String id) {
    return new FileJobStore(data.resolve("jobs")).find(id).orElseThrow();
  }

  private Process start(int n) throws IOException {
    Path log = data.resolve("process-" + n + ".log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                JobProcess.class.getName(),
                data.toString(),
                Integer.toString(MAX_ATTEMPTS))
            .directory(new File(System.getProperty("user.dir")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    started.add(p);
    return p;
  }

  private org.awaitility.core.ConditionFactory await(Process process, String what) {
    Path log = data.resolve("process-" + started.size() + ".log");
    return Awaitility.await(what)
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .failFast(
            "the process ended by itself",
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("its output:\n" + tail(log));
              }
            });
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
