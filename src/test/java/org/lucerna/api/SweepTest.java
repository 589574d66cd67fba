package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.SseClient;
import org.lucerna.testing.SseClient.Event;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestModels;
import org.lucerna.testing.TestPngs;

/** Sweeps of a real Keras model (cifar10_cnn, from ../shared/models) through the service. */
@QuarkusTest
class SweepTest {
  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  private static final String ALL =
      "{\"model\": \"cifar10_cnn\", \"layer\": \"conv2d_1\", \"channels\": \"all\","
          + " \"size\": 32, \"steps\": 8, \"seed\": 3}";

  @BeforeAll
  static void copyModel() throws IOException {
    TestModels.copyShared("cifar10_cnn", TestModels.ROOT.resolve("cifar10_cnn").resolve("1"));
  }

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  static String submit(String body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/sweeps")
        .then()
        .statusCode(202)
        .header("Location", containsString("/sweeps/"))
        .extract()
        .path("id");
  }

  static Response awaitFinished(String id) {
    await("sweep " + id + " finished")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status(id)));
    return given().get("/sweeps/" + id);
  }

  private static String status(String id) {
    return given().get("/sweeps/" + id).then().statusCode(200).extract().path("status");
  }

  private static int jobCount() {
    return given().get("/jobs?limit=500").then().extract().<List<?>>path("jobs").size();
  }

  @Test
  void everyChannelOfALayerGetsAnImageAndASheetAndTheSameSweepAgainFinishesAtOnce()
      throws Exception {
    int channels =
        given()
            .get("/models/cifar10_cnn/layers")
            .then()
            .statusCode(200)
            .extract()
            .path("layers.find { it.name == 'conv2d_1' }.channels");
    assertEquals(64, channels);
    String first = submit(ALL);
    Response queued = given().get("/sweeps/" + first);
    queued
        .then()
        .body("channelsTotal", equalTo(64))
        .body("batches", hasSize(8)) // lucerna.sweeps.batch = 8
        .body("batches[0].channels", equalTo(List.of(0, 1, 2, 3, 4, 5, 6, 7)))
        .body("request.seed", equalTo(3))
        .body("request.kind", equalTo("channel"));
    String batchJob = queued.path("batches[0].job");
    // Ordinary jobs: one weighted_channels term, one row per image, every image from the same
    // noise.
    given()
        .get("/jobs/" + batchJob)
        .then()
        .body("request.batch", equalTo(8))
        .body("request.sharedStart", equalTo(true))
        .body("request.objective.terms[0].kind", equalTo("weighted_channels"))
        .body("request.objective.terms[0].weights", hasSize(8))
        .body("request.objective.terms[0].weights[3][3]", equalTo(1.0f));

    awaitFinished(first)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("channelsDone", equalTo(64))
        .body("ready", hasSize(64));

    Map<String, Integer> distinct = new HashMap<>();
    byte[][] images = new byte[64][];
    for (int c = 0; c < 64; c++) {
      Response r = given().get("/sweeps/" + first + "/channels/" + c + "/image");
      r.then()
          .statusCode(200)
          .contentType("image/png")
          .header("Cache-Control", containsString("immutable"));
      images[c] = r.asByteArray();
      BufferedImage img = TestPngs.decode(images[c]);
      assertEquals(32, img.getWidth());
      assertEquals(32, img.getHeight());
      distinct.merge(java.util.Base64.getEncoder().encodeToString(images[c]), 1, Integer::sum);
    }
    // A channel that no pixel of the start reaches (a ReLU dead everywhere) gets no gradient and
    // keeps the start, which is the same noise for every image; every other channel is its own.
    int still = distinct.values().stream().max(Integer::compare).orElseThrow();
    System.out.println("[SweepTest] channels left at the start noise: " + still);
    assertTrue(still < 64, "some channels moved");
    assertEquals(1 + 64 - still, distinct.size(), "every channel that moved has its own image");

    // The contact sheet: 8 × 8 tiles of 32 px with 2 px gaps, a label strip under each.
    byte[] sheetPng =
        given()
            .get("/sweeps/" + first + "/sheet?page=0")
            .then()
            .statusCode(200)
            .contentType("image/png")
            .extract()
            .asByteArray();
    BufferedImage sheet = TestPngs.decode(sheetPng);
    assertEquals(8 * 34 + 2, sheet.getWidth());
    assertEquals(8 * (32 + 14 + 2) + 2, sheet.getHeight());
    BufferedImage nine = TestPngs.decode(images[9]);
    int x0 = 2 + 34; // channel 9: second row, second column
    int y0 = 2 + 48;
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        assertEquals(
            nine.getRGB(x, y) & 0xFFFFFF, sheet.getRGB(x0 + x, y0 + y) & 0xFFFFFF, "tile 9 pixel");
      }
    }
    assertTrue(ink(sheet, x0, y0 + 32, 34, 14) > 10, "channel 9's number under its tile");
    given().get("/sweeps/" + first + "/sheet?page=1").then().statusCode(404);

    // The same sweep again: every channel from the first, no job, finished at once.
    int jobsBefore = jobCount();
    Response again =
        given()
            .contentType(ContentType.JSON)
            .body(ALL)
            .post("/sweeps")
            .then()
            .statusCode(202)
            .body("status", equalTo("SUCCEEDED"))
            .body("channelsDone", equalTo(64))
            .body("batches", hasSize(0))
            .body("reused.5", equalTo("sweep:" + first))
            .extract()
            .response();
    assertEquals(jobsBefore, jobCount(), "no job was made");
    String second = again.path("id");
    for (int c : new int[] {0, 17, 63}) {
      assertArrayEquals(
          images[c],
          given().get("/sweeps/" + second + "/channels/" + c + "/image").asByteArray(),
          "channel " + c);
    }

    // Deleting the first leaves the second's images, which it copied.
    given().delete("/sweeps/" + first).then().statusCode(204);
    given().get("/sweeps/" + first).then().statusCode(404);
    given().get("/jobs/" + batchJob).then().statusCode(404);
    assertArrayEquals(
        images[17], given().get("/sweeps/" + second + "/channels/17/image").asByteArray());
  }

  /**
   * A sweep's events are a job's in kind: the current state first, ids that are the sweep's step
   * (its batches' steps added up) and never go back, a channel event per channel, done last; a
   * client that resumes gets no progress at or before its Last-Event-ID again.
   */
  @Test
  void eventIdsAreTheSweepsStepAndAResumedStreamGoesOnFromIt() throws Exception {
    String id =
        submit(
            "{\"layer\": \"conv1\", \"channels\": \"0-11\", \"size\": 32, \"steps\": 24,"
                + " \"seed\": 17}");
    String url = "http://localhost:" + port + "/sweeps/" + id + "/events";
    List<Event> events = SseClient.readToEnd(url, null);
    assertEquals("status", events.get(0).name(), events.toString());
    assertEquals("done", events.get(events.size() - 1).name());
    ObjectMapper json = new ObjectMapper();
    long total = 0;
    for (JsonNode b : json.readTree(events.get(events.size() - 1).data()).get("batches")) {
      total += b.get("progress").get("totalSteps").asLong();
    }
    assertEquals(2 * 24, total, "two batches of 24 steps (8 channels and 4)");
    List<Long> progressIds = new ArrayList<>();
    java.util.Set<Integer> channels = new java.util.TreeSet<>();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (i > 0) {
        assertTrue(e.idNumber() >= events.get(i - 1).idNumber(), "ids never go back: " + events);
      }
      if (e.name().equals("progress")) {
        long steps = 0;
        for (JsonNode b : json.readTree(e.data()).get("batches")) {
          steps += b.get("progress").get("step").asLong();
        }
        assertEquals(steps, e.idNumber(), "a progress event's id is the sweep's step: " + e);
        progressIds.add(e.idNumber());
      }
      if (e.name().equals("channel")) {
        channels.add(json.readTree(e.data()).get("channel").asInt());
      }
    }
    assertEquals(2 * 24, events.get(events.size() - 1).idNumber());
    assertEquals(java.util.stream.IntStream.range(0, 12).boxed().toList(), List.copyOf(channels));
    assertTrue(progressIds.size() >= 2, "progress as the batches run: " + progressIds);

    String middle = Long.toString(progressIds.get(progressIds.size() / 2));
    List<Event> resumed = SseClient.readToEnd(url, middle);
    assertEquals("status", resumed.get(0).name(), "the current state first: " + resumed);
    assertEquals("done", resumed.get(resumed.size() - 1).name());
    assertTrue(
        resumed.stream()
            .filter(e -> e.name().equals("progress"))
            .allMatch(e -> e.idNumber() > Long.parseLong(middle)),
        "no progress at or before " + middle + " again: " + resumed);
  }

  @Test
  void aChannelAJobRenderedWithTheSameRecipeIsTakenFromTheJob() {
    String job =
        VisualizeResourceTest.submit(
            "{\"model\": \"cifar10_cnn\", \"objective\": \"conv2d_1:5\", \"size\": 24,"
                + " \"steps\": 6, \"seed\": 11}");
    VisualizeResourceTest.awaitFinished(job).then().body("status", equalTo("SUCCEEDED"));
    byte[] jobImage = given().get("/jobs/" + job + "/image").asByteArray();
    String sweep =
        submit(
            "{\"model\": \"cifar10_cnn\", \"layer\": \"conv2d_1\", \"channels\": [4, 5, 6],"
                + " \"size\": 24, \"steps\": 6, \"seed\": 11}");
    Response done = awaitFinished(sweep);
    done.then()
        .body("status", equalTo("SUCCEEDED"))
        .body("reused", equalTo(Map.of("5", "job:" + job)))
        .body("batches", hasSize(1))
        .body("batches[0].channels", equalTo(List.of(4, 6)));
    assertArrayEquals(
        jobImage, given().get("/sweeps/" + sweep + "/channels/5/image").asByteArray());

    // A batch image follows the path of the single job of its channel: the same arithmetic,
    // batched, so equal up to rounding.
    String single =
        VisualizeResourceTest.submit(
            "{\"model\": \"cifar10_cnn\", \"objective\": \"conv2d_1:6\", \"size\": 24,"
                + " \"steps\": 6, \"seed\": 11}");
    VisualizeResourceTest.awaitFinished(single).then().body("status", equalTo("SUCCEEDED"));
    BufferedImage alone = TestPngs.decode(given().get("/jobs/" + single + "/image").asByteArray());
    BufferedImage batched =
        TestPngs.decode(given().get("/sweeps/" + sweep + "/channels/6/image").asByteArray());
    int worst = maxDifference(alone, batched);
    System.out.println("[SweepTest] channel 6: largest pixel difference batched vs alone " + worst);
    assertTrue(worst <= 2, "batched and alone differ by " + worst + " levels");
  }

  @Test
  void neuronsAtTheCentreAreOneTermPerImage() {
    String id =
        submit(
            "{\"model\": \"cifar10_cnn\", \"layer\": \"conv2d_1\", \"channels\": \"2-3\","
                + " \"kind\": \"neuron\", \"size\": 24, \"steps\": 3}");
    Response r = given().get("/sweeps/" + id);
    r.then().body("request.kind", equalTo("neuron")).body("request.seed", equalTo(0));
    String job = r.path("batches[0].job");
    given()
        .get("/jobs/" + job)
        .then()
        .body("request.objective.terms", hasSize(2))
        .body("request.objective.terms[1].kind", equalTo("neuron"))
        .body("request.objective.terms[1].channel", equalTo(3))
        .body("request.objective.terms[1].batch", equalTo(1));
    awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
  }

  @Test
  void cancelStopsItsJobsAndDeleteWaitsForTheEnd() {
    String id =
        submit(
            "{\"model\": \"cifar10_cnn\", \"layer\": \"conv2d_1\", \"channels\": \"0-15\","
                + " \"size\": 32, \"steps\": 5000, \"seed\": 1}");
    given().delete("/sweeps/" + id).then().statusCode(409).header("Retry-After", "1");
    given().get("/sweeps/" + id + "/channels/0/image").then().statusCode(409);
    given().post("/sweeps/" + id + "/cancel").then().statusCode(200);
    awaitFinished(id).then().body("status", equalTo("CANCELLED"));
    given().get("/sweeps/" + id + "/channels/0/image").then().statusCode(404);
    given().get("/sweeps/" + id + "/channels/99/image").then().statusCode(404);
    given().delete("/sweeps/" + id).then().statusCode(204);
  }

  @Test
  void badSweepsAreRefusedNamingTheField() {
    refused(
        "{\"model\": \"cifar10_cnn\", \"layer\": \"conv2d_1\", \"channels\": \"60-70\"}",
        "channels",
        "0 to 63");
    refused(
        "{\"model\": \"cifar10_cnn\", \"layer\": \"conv2d_1\", \"channels\": \"x\"}",
        "channels",
        "range");
    refused(
        "{\"model\": \"cifar10_cnn\", \"layer\": \"conv9\", \"channels\": \"all\"}",
        "layer",
        "conv9");
    given()
        .contentType(ContentType.JSON)
        .body("{\"model\": \"cifar10_cnn\", \"layer\": \"conv2d_1\", \"kind\": \"direction\"}")
        .post("/sweeps")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("kind"));
    given().get("/sweeps/01ARZ3NDEKTSV4RRFFQ69G5FAV").then().statusCode(404);
  }

  private static void refused(String body, String field, String says) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/sweeps")
        .then()
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("errors[0].field", equalTo(field))
        .body("errors[0].message", containsString(says));
  }

  private static int ink(BufferedImage img, int x0, int y0, int w, int h) {
    int n = 0;
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) == 0) {
          n++;
        }
      }
    }
    return n;
  }

  private static int maxDifference(BufferedImage a, BufferedImage b) {
    int worst = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        for (int shift = 0; shift <= 16; shift += 8) {
          int d = Math.abs((a.getRGB(x, y) >> shift & 255) - (b.getRGB(x, y) >> shift & 255));
          worst = Math.max(worst, d);
        }
      }
    }
    return worst;
  }
}
