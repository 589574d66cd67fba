package org.lucerna.scaleout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.lucerna.it.PackagedService;
import org.lucerna.job.postgres.PostgresTestDatabase;

/**
 * Two service processes on one PostgreSQL (the packaged app, {@code target/quarkus-app}, started as
 * child JVMs with {@code lucerna.data.store=postgres}): jobs submitted to both finish exactly once
 * when one process is killed (kill -9) while it renders, and a process frozen (SIGSTOP) past its
 * lease cannot finish the job another one took over. Run after {@code mvn package} by {@code mvn
 * surefire:test@multi-instance} (see the README); the leases are short (3 s) so that it fits in
 * about two minutes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceIT {
  private static final Path WORK = Path.of("target", "multi-instance");
  private static final Duration READY = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static String url;
  private static PackagedService a;
  private static PackagedService b;
  private static PackagedService lonely;

  /** Every process started, closed at the end even when a test failed before it killed its own. */
  private static final List<PackagedService> STARTED = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    assertTrue(
        Files.isRegularFile(PackagedService.APP),
        PackagedService.APP + " is missing: run `mvn package -DskipTests` before this test");
    PackagedService.deleteTree(WORK); // logs of an earlier run would be read as this run's
    Files.createDirectories(WORK);
    url = PostgresTestDatabase.emptyDatabaseUrl();
    // The three starts overlap: the one without a database stops by itself (test 0).
    lonely = launch("no-url", false);
    a = launch("A");
    b = launch("B");
    a.awaitReady(READY);
    b.awaitReady(READY);
  }

  @AfterAll
  static void stop() {
    // close() resumes a frozen process first: it may ignore SIGKILL until then
    STARTED.forEach(PackagedService::close);
  }

  @Test
  @Order(0)
  void postgresWithoutADatabaseStopsTheStartNamingWhatToSet() throws Exception {
    assertTrue(lonely.process().waitFor(3, java.util.concurrent.TimeUnit.MINUTES), "it stops");
    assertTrue(lonely.process().exitValue() != 0);
    String log = Files.readString(WORK.resolve("no-url.log"));
    assertTrue(
        log.contains(
            "lucerna.data.store=postgres needs a PostgreSQL database: set"
                + " QUARKUS_DATASOURCE_JDBC_URL"),
        log);
  }

  @Test
  @Order(1)
  void killedInstanceJobsFinishOnTheOtherExactlyOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(submit(i % 2 == 0 ? a : b, 1000 + i));
    }
    // A job A renders (it has written progress), watched from B; then A is killed. A job may end
    // before its stream opens (it then shows no RUNNING): another running job is watched instead.
    List<String> tried = new ArrayList<>();
    String watched = null;
    SseRecorder sse = null;
    while (watched == null) {
      assertTrue(tried.size() < 10, "no job of A stayed running while watched: " + tried);
      String exclude = tried.isEmpty() ? "''" : "'" + String.join("','", tried) + "'";
      String candidate =
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(50))
              .until(
                  () ->
                      queryString(
                          "SELECT id FROM lucerna_job WHERE state = 'RUNNING' AND lease_owner LIKE"
                              + " 'A/%' AND progress_step > 0 AND id NOT IN ("
                              + exclude
                              + ") ORDER BY id LIMIT 1"),
                  Optional::isPresent)
              .orElseThrow();
      tried.add(candidate);
      SseRecorder stream = SseRecorder.open(b.uri("/jobs/" + candidate + "/events"));
      await("SSE on B for " + candidate)
          .atMost(Duration.ofSeconds(30))
          .until(() -> stream.statuses().contains("RUNNING") || stream.ended());
      if (stream.statuses().contains("RUNNING") && !stream.ended()) {
        watched = candidate;
        sse = stream;
      }
    }
    assertEquals(128 + 9, a.kill(), "A ended by SIGKILL");
    // The job A held when it died (the watched one, unless A finished it in between): its row
    // still names A's lease until the lease runs out.
    String victim =
        queryString(
                "SELECT id FROM lucerna_job WHERE state = 'RUNNING' AND lease_owner LIKE 'A/%'"
                    + " ORDER BY id LIMIT 1")
            .orElseThrow(() -> new AssertionError("A held no job when it was killed"));
    SseRecorder story =
        victim.equals(watched) ? sse : SseRecorder.open(b.uri("/jobs/" + victim + "/events"));

    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> count("SELECT count(*) FROM lucerna_job WHERE state = 'SUCCEEDED'") == 40);

    // Exactly once: one final transition per job, written in the fenced finish.
    assertEquals(
        40,
        count("SELECT count(*) FROM lucerna_job_event WHERE type = 'done'"),
        "one 'done' event per job");
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM (SELECT job_id FROM lucerna_job_event WHERE type = 'done'"
                + " GROUP BY job_id HAVING count(*) > 1) twice"));
    // The victim ran twice (A's claim, then B's after the rescue); B finished it.
    assertEquals(2, count("SELECT attempt FROM lucerna_job WHERE id = '" + victim + "'"));
    assertEquals(
        Optional.of("B/"),
        queryString(
            "SELECT left(data->>'by', 2) FROM lucerna_job_event WHERE job_id = '"
                + victim
                + "' AND type = 'done'"));
    // Every image written by the claim that finished its job.
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM lucerna_job j LEFT JOIN lucerna_image i ON i.job_id = j.id"
                + " AND i.name = 'final-0' WHERE i.job_id IS NULL OR i.lease_epoch <> j.lease_epoch"));

    // The survivor serves every job and image.
    for (String id : ids) {
      JsonNode job = JSON.readTree(get(b, "/jobs/" + id).body());
      assertEquals("SUCCEEDED", job.get("status").asText(), id);
      HttpResponse<byte[]> image =
          HTTP.send(
              HttpRequest.newBuilder(b.uri("/jobs/" + id + "/image")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, image.statusCode(), id);
      assertArrayEquals(
          new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(image.body(), 4), id);
    }

    // SSE on B told the rescued job's whole story: running on A, back in the queue, running on
    // B, done; event ids only grow.
    await().atMost(Duration.ofSeconds(30)).until(story::ended);
    List<String> statuses = story.statuses();
    int running = statuses.indexOf("RUNNING");
    int queued = statuses.subList(running + 1, statuses.size()).indexOf("QUEUED");
    assertTrue(running >= 0 && queued >= 0, "statuses seen: " + statuses);
    List<String> after = statuses.subList(running + 1 + queued + 1, statuses.size());
    assertEquals(List.of("RUNNING", "SUCCEEDED"), after, "statuses seen: " + statuses);
    assertEquals("done", story.names().get(story.names().size() - 1));
    assertTrue(story.names().contains("progress"), "progress of the job: " + story.names());
    List<Long> eventIds = story.ids();
    for (int i = 1; i < eventIds.size(); i++) {
      assertTrue(eventIds.get(i) >= eventIds.get(i - 1), "event ids: " + eventIds);
    }
  }

  @Test
  @Order(2)
  void frozenInstanceCannotFinishTheJobAnotherTookOver() throws Exception {
    a = launch("A2");
    a.awaitReady(READY);
    long before = count("SELECT count(*) FROM lucerna_job");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(submit(i % 2 == 0 ? a : b, 2000 + i));
    }
    // Frozen while it renders a job (tried again in the rare case that it finished the job just
    // before the signal).
    String found = null;
    for (int tries = 0; found == null && tries < 5; tries++) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  queryString(
                      "SELECT id FROM lucerna_job WHERE state = 'RUNNING' AND lease_owner LIKE 'A2/%'"
                          + " AND progress_step > 0 LIMIT 1"),
              Optional::isPresent);
      a.signal("STOP");
      found =
          queryString(
                  "SELECT id FROM lucerna_job WHERE state = 'RUNNING' AND lease_owner LIKE 'A2/%'"
                      + " LIMIT 1")
              .orElse(null);
      if (found == null) {
        resume(a);
      }
    }
    assertTrue(found != null, "A2 was never frozen while it held a job");
    String victim = found;
    try {
      // Frozen past its lease: rescued, then claimed again by B.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  queryString(
                      "SELECT lease_owner FROM lucerna_job WHERE id = '"
                          + victim
                          + "' AND lease_epoch >= 2 AND (lease_owner LIKE 'B/%'"
                          + " OR state = 'SUCCEEDED')"),
              Optional::isPresent);
    } finally {
      resume(a);
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                count("SELECT count(*) FROM lucerna_job WHERE state = 'SUCCEEDED'")
                    == before + ids.size());
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM (SELECT job_id FROM lucerna_job_event WHERE type = 'done'"
                + " GROUP BY job_id HAVING count(*) > 1) twice"));
    assertEquals(
        Optional.of("B/"),
        queryString(
            "SELECT left(data->>'by', 2) FROM lucerna_job_event WHERE job_id = '"
                + victim
                + "' AND type = 'done'"));
    // A2, resumed, learned it had lost the job and dropped its result; it still serves.
    String log = Files.readString(WORK.resolve("A2.log"));
    assertTrue(log.contains("job " + victim + ": lease lost"), "A2's log says the lease was lost");
    for (String id : ids) {
      assertEquals("SUCCEEDED", JSON.readTree(get(a, "/jobs/" + id).body()).get("status").asText());
    }
  }

  // --- processes ---

  private static PackagedService launch(String name) throws IOException {
    return launch(name, true);
  }

  private static PackagedService launch(String name, boolean withDatabase) throws IOException {
    PackagedService.Options o =
        new PackagedService.Options(name, WORK)
            .jvm("-XX:ActiveProcessorCount=1")
            .env("LUCERNA_DATA_STORE", "postgres")
            .env("QUARKUS_DATASOURCE_JDBC_URL", url)
            .env("QUARKUS_DATASOURCE_USERNAME", "postgres")
            .env("LUCERNA_STORE_INSTANCE_ID", name)
            .env("LUCERNA_STORE_LEASE", "3s")
            .env("LUCERNA_STORE_HEARTBEAT", "500ms")
            .env("LUCERNA_STORE_RESCUE_EVERY", "1s")
            .env("LUCERNA_STORE_RESCUE_BACKOFF", "500ms")
            .env("LUCERNA_WORKERS_INTRA_OP_THREADS", "1")
            .env("LUCERNA_WORKERS_INTER_OP_THREADS", "1");
    if (!withDatabase) {
      o.without("QUARKUS_DATASOURCE_JDBC_URL");
    }
    PackagedService started = PackagedService.start(o);
    STARTED.add(started);
    return started;
  }

  private static void resume(PackagedService i) {
    try {
      if (i.process().isAlive()) {
        i.signal("CONT");
      }
    } catch (Exception e) {
      // it is being stopped anyway
    }
  }

  // --- HTTP ---

  private static String submit(PackagedService i, int seed) throws Exception {
    // size 64, 300 steps of the built-in tiny CNN: a second or two on a busy core, so that a job
    // is mid-render when its instance is killed; a distinct seed each, so no result is reused.
    String body =
        "{\"model\": \"tiny_cnn\", \"objective\": \"conv1:0\", \"size\": 64, \"steps\": 300,"
            + " \"seed\": "
            + seed
            + "}";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(i.uri("/visualize"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("id").asText();
  }

  private static HttpResponse<String> get(PackagedService i, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(i.uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The events of one stream as they come, read on a thread of their own. */
  static final class SseRecorder {
    record Event(String name, long id, String data) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    static SseRecorder open(URI uri) throws Exception {
      SseRecorder r = new SseRecorder();
      HttpResponse<InputStream> response =
          HTTP.send(
              HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, response.statusCode());
      Thread t = new Thread(() -> r.read(response.body()), "sse-recorder");
      t.setDaemon(true);
      t.start();
      return r;
    }

    private void read(InputStream in) {
      Map<String, String> fields = new HashMap<>();
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.isEmpty()) {
            if (fields.containsKey("event")) {
              events.add(
                  new Event(
                      fields.get("event"),
                      Long.parseLong(fields.getOrDefault("id", "-1")),
                      fields.getOrDefault("data", "")));
            }
            fields.clear();
          } else if (!line.startsWith(":")) {
            int colon = line.indexOf(':');
            String key = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
            fields.merge(key, value, (x, y) -> x + "\n" + y);
          }
        }
      } catch (IOException e) {
        // the stream ended
      } finally {
        ended = true;
      }
    }

    boolean ended() {
      return ended;
    }

    List<String> names() {
      return events.stream().map(Event::name).toList();
    }

    List<Long> ids() {
      return events.stream().map(Event::id).toList();
    }

    /** The statuses the {@code status} events reported, in order. */
    List<String> statuses() {
      List<String> out = new ArrayList<>();
      for (Event e : events) {
        if (e.name().equals("status")) {
          try {
            out.add(JSON.readTree(e.data()).get("status").asText());
          } catch (IOException ex) {
            throw new IllegalStateException(ex);
          }
        }
      }
      return out;
    }
  }

  // --- SQL ---

  private static long count(String sql) throws SQLException {
    return queryString(sql).map(Long::parseLong).orElse(0L);
  }

  private static Optional<String> queryString(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    }
  }
}
