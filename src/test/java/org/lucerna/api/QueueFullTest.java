package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;

/** A service whose queue holds one job and whose limits are lowered by configuration. */
@QuarkusTest
@TestProfile(QueueFullTest.SmallQueue.class)
class QueueFullTest {

  public static class SmallQueue implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "lucerna.queue.capacity",
          "1",
          "lucerna.limits.max-steps",
          "20000",
          "lucerna.limits.max-size",
          "64",
          "lucerna.limits.max-body-bytes",
          "4096",
          "lucerna.limits.max-event-streams",
          "2");
    }
  }

  private static final String LONG =
      "{\"objective\": \"conv1:0\", \"size\": 64, \"steps\": 20000, \"seed\": %d}";

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void aFullQueueAnswers503WithRetryAfterAtOnceAndLosesNothingAccepted() {
    String running = VisualizeResourceTest.submit(LONG.formatted(1));
    await("job " + running + " running")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> given().get("/jobs/" + running).path("status"), equalTo("RUNNING"));
    String queued = VisualizeResourceTest.submit(LONG.formatted(2));
    given()
        .contentType(ContentType.JSON)
        .body(LONG.formatted(3))
        .post("/visualize")
        .then()
        .statusCode(503)
        .header("Retry-After", org.hamcrest.Matchers.notNullValue())
        .contentType("application/problem+json")
        .body("detail", containsString("queue is full"));
    given()
        .get("/jobs?status=QUEUED,RUNNING")
        .then()
        .body("jobs.id", org.hamcrest.Matchers.containsInAnyOrder(running, queued));
    given().post("/jobs/" + queued + "/cancel").then().body("status", equalTo("CANCELLED"));
    given().post("/jobs/" + running + "/cancel");
    VisualizeResourceTest.awaitFinished(running).then().body("status", equalTo("CANCELLED"));
    String after =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv1:0\", \"size\": 16, \"steps\": 2, \"seed\": 4}");
    VisualizeResourceTest.awaitFinished(after).then().body("status", equalTo("SUCCEEDED"));
  }

  @Test
  void beyondTheMostEventStreamsA503WithRetryAfterAndASlotIsFreeAgainWhenAStreamEnds()
      throws Exception {
    String running = VisualizeResourceTest.submit(LONG.formatted(5));
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest events =
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/jobs/" + running + "/events"))
            .header("Accept", "text/event-stream")
            .build();
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        HttpResponse<InputStream> r =
            client.send(events, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        open.add(r);
      }
      HttpResponse<String> refused = client.send(events, HttpResponse.BodyHandlers.ofString());
      assertEquals(503, refused.statusCode(), refused.body());
      assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null));
      assertTrue(refused.body().contains("lucerna.limits.max-event-streams"), refused.body());
      // A sweep's stream counts among them.
      String sweep =
          SweepTest.submit(
              "{\"layer\": \"conv1\", \"channels\": \"0-1\", \"size\": 16, \"steps\": 2,"
                  + " \"seed\": 5}");
      HttpResponse<String> sweepRefused =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + port + "/sweeps/" + sweep + "/events"))
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(503, sweepRefused.statusCode(), sweepRefused.body());
      assertTrue(sweepRefused.body().contains("GET /sweeps/" + sweep), sweepRefused.body());
      // The job ends, its streams send "done" and close: their places are free again.
      given().post("/jobs/" + running + "/cancel").then().statusCode(200);
      for (HttpResponse<InputStream> r : open) {
        String text = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*event: ?done.*"), text);
      }
      await("a stream is served again")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> client.send(events, HttpResponse.BodyHandlers.ofString()),
              r -> r.statusCode() == 200 && r.body().contains("CANCELLED"));
    } finally {
      for (HttpResponse<InputStream> r : open) {
        r.body().close();
      }
    }
  }

  @Test
  void theConfiguredLimitsAreTheOnesEnforcedAndNamed() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv1:0\", \"size\": 65}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("size"))
        .body("detail", containsString("at most 64"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv1:0\", \"steps\": 20001}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("steps"))
        .body("detail", containsString("at most 20000"));
  }

  @Test
  void aBodyOverTheLimitIs413BeforeItIsRead() {
    String big = "{\"objective\": \"conv1:0\", \"model\": \"" + "x".repeat(5000) + "\"}";
    given()
        .contentType(ContentType.JSON)
        .body(big)
        .post("/visualize")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("detail", containsString("at most 4096"));
  }
}
