package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.SseClient;
import org.lucerna.testing.SseClient.Event;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestPngs;

@QuarkusTest
class JobLifecycleTest {
  private static final String LONG =
      "{\"objective\": \"conv1:0\", \"size\": 96, \"steps\": 10000, \"seed\": %d}";

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @ConfigProperty(name = "lucerna.workers.devices")
  List<String> devices;

  @ConfigProperty(name = "lucerna.workers.per-device")
  int workersPerDevice;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void cancelStopsARunningJobWithinAStepAndTheWorkerTakesTheNext() throws Exception {
    String running = VisualizeResourceTest.submit(LONG.formatted(1));
    String next =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:1\", \"size\": 16, \"steps\": 3, \"seed\": 2}");
    awaitStep(running, 3);
    given().post("/jobs/" + running + "/cancel").then().statusCode(200);
    Response cancelled = VisualizeResourceTest.awaitFinished(running);
    cancelled.then().body("status", equalTo("CANCELLED")).body("links.cancel", nullValue());
    int stoppedAt = cancelled.path("progress.step");
    // The test service has one worker: once it has finished the next job, it has left the cancelled
    // render, and a step counter still moving would have moved by now.
    assertEquals(List.of("cpu"), devices);
    assertEquals(1, workersPerDevice);
    VisualizeResourceTest.awaitFinished(next).then().body("status", equalTo("SUCCEEDED"));
    int later = given().get("/jobs/" + running).path("progress.step");
    assertEquals(stoppedAt, later, "the step counter stopped");
    given().get("/jobs/" + running + "/image").then().statusCode(404);
  }

  @Test
  void aQueuedJobIsCancelledAtOnceAndAFinishedOneStaysAsItIs() throws Exception {
    String running = VisualizeResourceTest.submit(LONG.formatted(3));
    String queued = VisualizeResourceTest.submit(LONG.formatted(4));
    given()
        .get("/jobs/" + queued)
        .then()
        .body("status", equalTo("QUEUED"))
        .body("queuePosition", notNullValue())
        .header("Retry-After", "1");
    given()
        .post("/jobs/" + queued + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("CANCELLED"));
    given().post("/jobs/" + running + "/cancel").then().statusCode(200);
    VisualizeResourceTest.awaitFinished(running).then().body("status", equalTo("CANCELLED"));
    given()
        .post("/jobs/" + running + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("CANCELLED"));
  }

  @Test
  void deleteRemovesAFinishedJobAndItsImagesButNotARunningOne() throws Exception {
    String running = VisualizeResourceTest.submit(LONG.formatted(5));
    given()
        .delete("/jobs/" + running)
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    given().post("/jobs/" + running + "/cancel");
    VisualizeResourceTest.awaitFinished(running);
    String done =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:2\", \"size\": 16, \"steps\": 2, \"seed\": 6}");
    VisualizeResourceTest.awaitFinished(done);
    given().delete("/jobs/" + done).then().statusCode(204);
    given().get("/jobs/" + done).then().statusCode(404);
    given().get("/jobs/" + done + "/image").then().statusCode(404);
    given().delete("/jobs/" + done).then().statusCode(404);
  }

  @Test
  void imagesHaveETagsAndAreImmutableSnapshotsAndGridsToo() throws Exception {
    String id =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:3\", \"size\": 16, \"batch\": 3, \"steps\": 4, \"snapshots\": [2], \"seed\": 7}");
    VisualizeResourceTest.awaitFinished(id).then().body("progress.snapshots", equalTo(List.of(2)));
    Response image = given().get("/jobs/" + id + "/image?batch=2");
    image.then().statusCode(200).header("Cache-Control", containsString("immutable"));
    String etag = image.header("ETag");
    given()
        .header("If-None-Match", etag)
        .get("/jobs/" + id + "/image?batch=2")
        .then()
        .statusCode(304);
    given()
        .get("/jobs/" + id + "/snapshots/2?batch=1")
        .then()
        .statusCode(200)
        .contentType("image/png");
    given()
        .get("/jobs/" + id + "/snapshots/3")
        .then()
        .statusCode(404)
        .body("errors.field", hasItem("step"));
    byte[] grid =
        given().get("/jobs/" + id + "/grid").then().statusCode(200).extract().asByteArray();
    java.awt.image.BufferedImage g = TestPngs.decode(grid);
    assertEquals(32, g.getWidth()); // 3 images: 2 columns of 16 px
    assertEquals(32, g.getHeight());
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyGetsTheSameJobAndAnotherBodyIsRefused() {
    String body = "{\"objective\": \"conv1:3\", \"size\": 16, \"steps\": 2, \"seed\": 8}";
    Response first =
        given()
            .contentType(ContentType.JSON)
            .header("Idempotency-Key", "k-123")
            .body(body)
            .post("/visualize");
    first.then().statusCode(202);
    Response again =
        given()
            .contentType(ContentType.JSON)
            .header("Idempotency-Key", "k-123")
            .body(body)
            .post("/visualize");
    again.then().statusCode(200).body("id", equalTo(first.path("id")));
    given()
        .contentType(ContentType.JSON)
        .header("Idempotency-Key", "k-123")
        .body("{\"objective\": \"conv1:4\", \"size\": 16, \"steps\": 2, \"seed\": 8}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("Idempotency-Key"));
  }

  @Test
  void thirtyTwoConcurrentSubmissionsWithOneIdempotencyKeyMakeOneJob() throws Exception {
    String key = "k-concurrent-" + System.nanoTime();
    // A new request (its seed), so that no earlier job's key or result answers for it.
    String body =
        "{\"objective\": \"conv1:2\", \"size\": 16, \"steps\": 2, \"seed\": %d}"
            .formatted(System.nanoTime() % 1_000_000_000L);
    int before = countJobs();
    HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(32)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/visualize"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(32);
    for (int i = 0; i < 32; i++) {
      sent.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                  return client.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              senders));
    }
    go.countDown();
    Set<String> ids = new HashSet<>();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : sent) {
      HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
      statuses.add(r.statusCode());
      ids.add(io.restassured.path.json.JsonPath.from(r.body()).getString("id"));
    }
    senders.shutdown();
    assertEquals(1, ids.size(), "job ids: " + ids);
    assertEquals(1, statuses.stream().filter(s -> s == 202).count(), "statuses: " + statuses);
    assertEquals(31, statuses.stream().filter(s -> s == 200).count(), "statuses: " + statuses);
    assertEquals(before + 1, countJobs(), "one job more in the listing");
    VisualizeResourceTest.awaitFinished(ids.iterator().next())
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("attempts", equalTo(1));
  }

  /** Every job the service holds, counted page by page. */
  private static int countJobs() {
    int count = 0;
    String after = null;
    do {
      Response page = given().get("/jobs?limit=500" + (after == null ? "" : "&after=" + after));
      count += page.<Integer>path("jobs.size()");
      after = page.path("next");
    } while (after != null);
    return count;
  }

  @Test
  void theSameRequestWithTheSameSeedIsServedFromTheFinishedResult() throws Exception {
    String body = "{\"objective\": \"conv3:8\", \"size\": 24, \"steps\": 6, \"seed\": 77}";
    String first = VisualizeResourceTest.submit(body);
    VisualizeResourceTest.awaitFinished(first).then().body("status", equalTo("SUCCEEDED"));
    Response second = given().contentType(ContentType.JSON).body(body).post("/visualize");
    second
        .then()
        .statusCode(202)
        .body("status", equalTo("SUCCEEDED"))
        .body("reusedFrom", equalTo(first));
    assertArrayEquals(
        VisualizeResourceTest.image(first), VisualizeResourceTest.image(second.path("id")));
  }

  @Test
  void jobsAreListedWithFiltersAndPages() throws Exception {
    String a =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv1:1\", \"size\": 16, \"steps\": 1, \"seed\": 101}");
    String b =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv1:1\", \"size\": 16, \"steps\": 1, \"seed\": 102}");
    VisualizeResourceTest.awaitFinished(a);
    VisualizeResourceTest.awaitFinished(b);
    List<String> ids =
        given()
            .get("/jobs?status=SUCCEEDED&model=tiny_cnn&limit=500")
            .then()
            .statusCode(200)
            .extract()
            .path("jobs.id");
    assertTrue(ids.containsAll(List.of(a, b)));
    Response page = given().get("/jobs?limit=1");
    page.then().statusCode(200).body("jobs.size()", equalTo(1)).body("next", notNullValue());
    given()
        .get("/jobs?after=" + page.path("next") + "&limit=1")
        .then()
        .statusCode(200)
        .body("jobs[0].id", org.hamcrest.Matchers.not(equalTo(page.path("jobs[0].id"))));
    given().get("/jobs?status=DONE").then().statusCode(400).body("errors.field", hasItem("status"));
    given().get("/jobs?limit=0").then().statusCode(400).body("errors.field", hasItem("limit"));
  }

  @Test
  void eventsStreamStatusProgressSnapshotsAndEndWithDone() throws Exception {
    String id =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:4\", \"size\": 32, \"steps\": 40, \"snapshots\": [20], \"seed\": 9}");
    List<Event> events = readEvents(id, null);
    List<String> names = events.stream().map(e -> e.name()).toList();
    assertTrue(names.contains("status"), names.toString());
    assertTrue(names.contains("progress"), names.toString());
    assertTrue(names.contains("snapshot"), names.toString());
    assertEquals("done", names.get(names.size() - 1));
    assertTrue(events.get(events.size() - 1).data().contains("\"SUCCEEDED\""));
    for (int i = 1; i < events.size(); i++) {
      assertTrue(
          Long.parseLong(events.get(i).id()) >= Long.parseLong(events.get(i - 1).id()),
          "ids never go back");
    }
    // Each progress event carries the job's curve so far, ending at its step; the done event and
    // the job document have the whole curve, a point at each of the 40 steps, ending with the
    // final objective; a listing leaves it out.
    ObjectMapper json = new ObjectMapper();
    for (Event e : events) {
      if (e.name().equals("progress")) {
        JsonNode p = json.readTree(e.data());
        JsonNode curve = p.get("curve");
        assertEquals(p.get("step"), curve.get(curve.size() - 1).get(0), e.data());
      }
    }
    JsonNode done = json.readTree(events.get(events.size() - 1).data()).get("progress");
    JsonNode curve = done.get("curve");
    assertEquals(40, curve.size(), curve.toString());
    for (int i = 0; i < 40; i++) {
      assertEquals(i + 1, curve.get(i).get(0).asInt(), curve.toString());
      assertEquals(2, curve.get(i).size());
    }
    assertEquals(done.get("objective").asDouble(), curve.get(39).get(1).asDouble());
    assertEquals(
        curve, json.readTree(given().get("/jobs/" + id).asString()).get("progress").get("curve"));
    JsonNode listed = null;
    for (JsonNode j : json.readTree(given().get("/jobs?limit=200").asString()).get("jobs")) {
      if (j.get("id").asText().equals(id)) {
        listed = j.get("progress");
      }
    }
    assertTrue(
        listed != null && listed.has("step") && !listed.has("curve"), String.valueOf(listed));

    // Resumed after the last event: only the final state again.
    List<Event> resumed = readEvents(id, events.get(events.size() - 2).id());
    assertEquals("done", resumed.get(resumed.size() - 1).name());
    assertTrue(resumed.size() < events.size());
  }

  /** Reads a job's event stream to its end. */
  private List<Event> readEvents(String id, String lastEventId) throws Exception {
    return SseClient.readToEnd("http://localhost:" + port + "/jobs/" + id + "/events", lastEventId);
  }

  private static void awaitStep(String id, int step) {
    await("job " + id + " at step " + step)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> given().get("/jobs/" + id).<Integer>path("progress.step"),
            s -> s != null && s >= step);
  }
}
