package org.lucerna.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job that kills the service at every start (here: kill -9 while it renders) ends FAILED after
 * {@code lucerna.jobs.max-attempts} starts, and the service goes on with the next job. The service
 * is the packaged app in its default mode (file store on a data folder of its own), started, killed
 * and started again on the same folder and port.
 */
class CrashLoopIT {
  private static final Path WORK = Path.of("target", "crash-loop");
  private static final int MAX_ATTEMPTS = 2;
  private static final Duration READY = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<PackagedService> started = new ArrayList<>();

  @AfterEach
  void stopWhatIsLeft() {
    started.forEach(PackagedService::close);
  }

  @Test
  void aJobKilledAtEveryStartEndsFailedAfterMaxAttemptsAndTheNextJobRuns() throws Exception {
    PackagedService.deleteTree(WORK); // the data folder of an earlier run would be recovered too
    PackagedService service = start(null);
    int port = service.port();
    // Far more steps than the test lets it run: it is rendering whenever it is killed. The next
    // job waits behind it (one worker).
    String poison = submit(service, 32, 1_000_000, 1);
    String next = submit(service, 16, 5, 2);

    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (attempt > 1) {
        service = start(port);
      }
      int expected = attempt;
      PackagedService s = service;
      JsonNode running =
          await("start " + attempt + ": job " + poison + " rendering, attempt " + attempt)
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> job(s, poison),
                  j ->
                      j.get("status").asText().equals("RUNNING")
                          && j.get("attempts").asInt() == expected
                          && j.path("progress").path("step").asInt() > 0);
      assertEquals("QUEUED", job(service, next).get("status").asText(), "the next job waits");
      assertEquals(128 + 9, service.kill(), "ended by SIGKILL");
      assertTrue(running.path("progress").path("step").asInt() < 1_000_000);
    }

    // The start after the last allowed attempt: the job ends FAILED, the next one runs.
    service = start(port);
    PackagedService last = service;
    JsonNode failed =
        await("job " + poison + " final")
            .atMost(Duration.ofSeconds(30))
            .until(() -> job(last, poison), j -> isFinal(j.get("status").asText()));
    assertEquals("FAILED", failed.get("status").asText());
    assertEquals(MAX_ATTEMPTS, failed.get("attempts").asInt());
    assertEquals(
        "the service stopped while running this job 2 times, the most it allows; it is not run"
            + " again",
        failed.get("error").get("detail").asText());
    JsonNode done =
        await("job " + next + " final")
            .atMost(Duration.ofSeconds(60))
            .until(() -> job(last, next), j -> isFinal(j.get("status").asText()));
    assertEquals("SUCCEEDED", done.get("status").asText(), done.toString());
    assertEquals(1, done.get("attempts").asInt());
    HttpResponse<byte[]> image = service.getBytes("/jobs/" + next + "/image");
    assertEquals(200, image.statusCode());
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(image.body(), 4));
    // And it takes new work.
    String after = submit(service, 16, 5, 3);
    await("job " + after + " SUCCEEDED")
        .atMost(Duration.ofSeconds(60))
        .until(() -> job(last, after).get("status").asText(), "SUCCEEDED"::equals);
    assertTrue(
        service.log().contains("job " + poison + " failed: the service stopped while running it 2"),
        "the log says why");
  }

  private PackagedService start(Integer port) throws IOException {
    PackagedService.Options o =
        new PackagedService.Options("service", WORK)
            .env("LUCERNA_JOBS_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS))
            .env("LUCERNA_LIMITS_MAX_STEPS", "1000000")
            .env("LUCERNA_WORKERS_INTRA_OP_THREADS", "1")
            .env("LUCERNA_WORKERS_INTER_OP_THREADS", "1")
            .jvm("-XX:ActiveProcessorCount=1");
    if (port != null) {
      o.port(port);
    }
    PackagedService s = PackagedService.start(o);
    started.add(s);
    return s.awaitReady(READY);
  }

  private static String submit(PackagedService s, int size, int steps, long seed) throws Exception {
    HttpResponse<String> r =
        s.postJson(
            "/visualize",
            "{\"model\": \"tiny_cnn\", \"objective\": \"conv1:0\", \"size\": "
                + size
                + ", \"steps\": "
                + steps
                + ", \"seed\": "
                + seed
                + "}");
    assertEquals(202, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("id").asText();
  }

  private static JsonNode job(PackagedService s, String id) throws Exception {
    HttpResponse<String> r = s.get("/jobs/" + id);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static boolean isFinal(String status) {
    return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
  }
}
