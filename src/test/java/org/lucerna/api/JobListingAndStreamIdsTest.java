package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.SseClient;
import org.lucerna.testing.SseClient.Event;
import org.lucerna.testing.TestJobs;

/**
 * What the browser UI asks of the job API: {@code GET /jobs} newest first, filtered by the layer an
 * objective reads and by request hash; event ids that are steps, so that {@code Last-Event-ID}
 * resumes a stream after the step the client saw.
 */
@QuarkusTest
class JobListingAndStreamIdsTest {
  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  private static List<String> ids(String query) {
    return given().get("/jobs?" + query).then().statusCode(200).extract().path("jobs.id");
  }

  @Test
  void jobsAreListedNewestFirstAndFilteredByLayerAndRequestHash() {
    long seed = 5_000 + System.nanoTime() % 1_000_000;
    String conv1 = "{\"objective\": \"conv1:1\", \"size\": 16, \"steps\": 1, \"seed\": %d}";
    String a = VisualizeResourceTest.submit(conv1.formatted(seed));
    String b =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:2\", \"size\": 16, \"steps\": 1, \"seed\": %d}"
                .formatted(seed));
    String c = VisualizeResourceTest.submit(conv1.formatted(seed + 1));
    for (String id : List.of(a, b, c)) {
      VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
    }

    assertEquals(List.of(c, b, a), ids("limit=3"), "newest first");
    List<String> four = ids("limit=4");
    String older = four.size() == 4 ? "&after=" + four.get(3) : "";
    assertEquals(List.of(a, b, c), ids("order=oldest&limit=3" + older), "oldest first on asking");
    Response first = given().get("/jobs?limit=1");
    assertEquals(c, first.path("jobs[0].id"));
    assertEquals(c, first.path("next"));
    assertEquals(List.of(b), ids("limit=1&after=" + c), "the next page goes back in time");

    List<String> onConv1 = ids("model=tiny_cnn&layer=conv1&status=SUCCEEDED&limit=500");
    assertTrue(onConv1.indexOf(c) >= 0 && onConv1.indexOf(c) < onConv1.indexOf(a), "" + onConv1);
    assertFalse(onConv1.contains(b));
    assertTrue(ids("layer=conv2&limit=500").contains(b));
    assertTrue(ids("layer=no_such_layer").isEmpty());

    // The same request again is served from a's result, and shares a's request hash.
    String hash = given().get("/jobs/" + a).then().extract().path("requestHash");
    assertTrue(hash.matches("[0-9a-f]{64}"), hash);
    String again =
        given()
            .contentType(ContentType.JSON)
            .body(conv1.formatted(seed))
            .post("/visualize")
            .then()
            .statusCode(202)
            .body("reusedFrom", equalTo(a))
            .body("requestHash", equalTo(hash))
            .extract()
            .path("id");
    assertEquals(List.of(again, a), ids("requestHash=" + hash));
    assertTrue(
        !hash.equals(given().get("/jobs/" + c).then().extract().path("requestHash")),
        "another seed is another request");

    given()
        .get("/jobs?order=sideways")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("order"));
    given()
        .get("/jobs?requestHash=not-a-hash")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("requestHash"));
    given()
        .queryParam("layer", " ")
        .get("/jobs")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("layer"));
  }

  @Test
  void eventIdsAreStepsAndAResumedStreamStartsWithTheStateThenStepsAfterItsLastEventId()
      throws Exception {
    String id =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:7\", \"size\": 16, \"steps\": 5000, \"seed\": %d}"
                .formatted(System.nanoTime() % 1_000_000));
    // The first stream, read until two progress events came: each one's id is its step.
    List<Event> first = read(id, null, events -> progress(events).size() >= 2);
    assertEquals("status", first.get(0).name());
    for (Event e : progress(first)) {
      assertEquals(step(e), Long.parseLong(e.id()), "a progress event's id is its step");
    }
    long seen = step(progress(first).get(1));

    List<Event> resumed = read(id, Long.toString(seen), events -> progress(events).size() >= 3);
    assertEquals("status", resumed.get(0).name(), "the current state first: " + names(resumed));
    assertTrue(resumed.get(0).data().contains("RUNNING"), resumed.get(0).data());
    assertTrue(Long.parseLong(resumed.get(0).id()) >= seen);
    long before = seen;
    for (Event e : progress(resumed)) {
      assertEquals(step(e), Long.parseLong(e.id()));
      assertTrue(step(e) > before, "steps after " + seen + ": " + names(resumed));
      before = step(e);
    }
    given().post("/jobs/" + id + "/cancel").then().statusCode(200);
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("CANCELLED"));

    // A finished job: its state and done, whatever the client saw last.
    List<Event> done = read(id, Long.toString(before), events -> false);
    assertEquals("status", done.get(0).name());
    assertEquals("done", done.get(done.size() - 1).name());
  }

  private static List<Event> progress(List<Event> events) {
    return events.stream().filter(e -> e.name().equals("progress")).toList();
  }

  private static long step(Event progressEvent) {
    return io.restassured.path.json.JsonPath.from(progressEvent.data()).getLong("step");
  }

  private static List<String> names(List<Event> events) {
    return events.stream().map(e -> e.name() + "#" + e.id()).toList();
  }

  /** Reads a job's events until {@code enough} holds or the stream ends, then leaves. */
  private List<Event> read(String id, String lastEventId, Predicate<List<Event>> enough)
      throws Exception {
    return SseClient.read(
        "http://localhost:" + port + "/jobs/" + id + "/events", lastEventId, enough);
  }
}
