package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.LearningRateSchedule;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestPngs;

@QuarkusTest
class VisualizeResourceTest {
  private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  static String submit(String body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/visualize")
        .then()
        .statusCode(202)
        .header("Location", matchesPattern("(https?://[^/]+)?/jobs/[0-9A-Z]{26}"))
        .body("status", equalTo("QUEUED"))
        .extract()
        .path("id");
  }

  static Response awaitFinished(String id) {
    return await("job " + id + " finished")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> given().get("/jobs/" + id),
            r -> {
              r.then().statusCode(200);
              return FINAL.contains(r.<String>path("status"));
            });
  }

  static byte[] image(String id) {
    return given()
        .get("/jobs/" + id + "/image")
        .then()
        .statusCode(200)
        .contentType("image/png")
        .extract()
        .asByteArray();
  }

  @Test
  void aJobRendersToAPngWithStructure() throws Exception {
    String id = submit("{\"objective\": \"conv2:7\", \"size\": 64, \"steps\": 50, \"seed\": 1}");
    Response done = awaitFinished(id);
    done.then()
        .body("status", equalTo("SUCCEEDED"))
        .body("progress.step", equalTo(50))
        .body("progress.totalSteps", equalTo(50))
        .body("request.model", equalTo("tiny_cnn"))
        .body("request.version", equalTo(1))
        .body("request.optimizer.learningRate", equalTo(0.05f))
        .body(
            "request.optimizer.schedule.warmup",
            equalTo((float) LearningRateSchedule.DEFAULT.warmup()))
        .body(
            "request.optimizer.schedule.decayTo",
            equalTo((float) LearningRateSchedule.DEFAULT.decayTo()));
    BufferedImage png = TestPngs.decode(image(id));
    assertEquals(64, png.getWidth());
    assertEquals(64, png.getHeight());
    assertTrue(distinctColors(png) > 100, "the image has " + distinctColors(png) + " colors");
  }

  @Test
  void aRectangularJobRendersAPngOfItsHeightAndWidth() throws Exception {
    String id =
        submit(
            "{\"objective\": \"conv2:7\", \"height\": 24, \"width\": 40, \"steps\": 5, \"seed\": 1}");
    awaitFinished(id)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.height", equalTo(24))
        .body("request.width", equalTo(40));
    BufferedImage png = TestPngs.decode(image(id));
    assertEquals(40, png.getWidth());
    assertEquals(24, png.getHeight());
  }

  @Test
  void heightAndWidthDefaultToSize() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv2:7\", \"size\": 20, \"height\": 12, \"steps\": 1}")
        .when()
        .post("/visualize")
        .then()
        .statusCode(202)
        .body("request.height", equalTo(12))
        .body("request.width", equalTo(20));
  }

  @Test
  void aHeightOrWidthOutOfBoundsNamesTheFieldAndTheLimit() {
    rejected("{\"objective\": \"conv1:0\", \"height\": 5000}", 422, "height", "at most 1024");
    rejected(
        "{\"objective\": \"conv1:0\", \"width\": 1025, \"height\": 64}",
        422,
        "width",
        "at most 1024");
    rejected("{\"objective\": \"conv1:0\", \"width\": 4}", 422, "width", "at least 8");
    rejected("{\"objective\": \"conv1:0\", \"height\": \"tall\"}", 400, "height", "whole number");
  }

  @Test
  void twoJobsWithTheSameSeedGiveTheSamePngByteForByte() throws Exception {
    String body = "{\"objective\": \"conv3:3\", \"size\": 40, \"steps\": 20, \"seed\": 42}";
    String a = submit(body);
    String b = submit(body);
    awaitFinished(a).then().body("status", equalTo("SUCCEEDED"));
    awaitFinished(b).then().body("status", equalTo("SUCCEEDED"));
    assertArrayEquals(image(a), image(b));
  }

  @Test
  void aStructuredObjectiveRendersEveryBatchElementAndIsEchoedForResubmission() throws Exception {
    String body =
        "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv2\", \"channel\": 3},"
            + " {\"kind\": \"diversity\", \"layer\": \"conv2\", \"weight\": -10},"
            + " {\"kind\": \"channel\", \"layer\": \"conv3\", \"channel\": 9, \"batch\": 1}]},"
            + " \"batch\": 2, \"size\": 32, \"steps\": 15, \"seed\": 4}";
    String id = submit(body);
    Response done = awaitFinished(id);
    done.then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.batch", equalTo(2))
        .body(
            "request.objective.terms.kind",
            org.hamcrest.Matchers.contains("channel", "diversity", "channel"))
        .body("request.objective.terms[2].batch", equalTo(1))
        .body(
            "request.objectiveDescription",
            equalTo("Channel[conv2, 3] − 10 × Diversity[conv2] + Channel[conv3, 9] @batch 1"));
    byte[] first = image(id);
    byte[] second =
        given()
            .get("/jobs/" + id + "/image?batch=1")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertTrue(!java.util.Arrays.equals(first, second), "the two batch elements differ");
    given()
        .get("/jobs/" + id + "/image?batch=2")
        .then()
        .statusCode(404)
        .body("errors.field", hasItem("batch"));
  }

  /**
   * What the redirection does is checked on the optimizer (RedirectedReluTest); here, that a job
   * can ask for it.
   */
  @Test
  void aJobCanAskForTheRedirectedReluGradient() throws Exception {
    String id =
        submit(
            "{\"objective\": \"conv2:5\", \"size\": 16, \"steps\": 20, \"seed\": 8,"
                + " \"redirectedRelu\": true}");
    awaitFinished(id)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.redirectedRelu", equalTo(true))
        .body("progress.step", equalTo(20));
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv2:5\", \"size\": 16, \"steps\": 1}")
        .when()
        .post("/visualize")
        .then()
        .statusCode(202)
        .body("request.redirectedRelu", equalTo(false));
    rejected(
        "{\"objective\": \"conv2:5\", \"redirectedRelu\": \"sometimes\"}",
        400,
        "redirectedRelu",
        "");
  }

  @Test
  void aRequestCanOverrideTheModelsValueRangeAndChannelOrder() throws Exception {
    String id =
        submit(
            "{\"objective\": \"conv2:1\", \"size\": 16, \"steps\": 3, \"seed\": 31,"
                + " \"input\": {\"valueRange\": [-1, 1], \"channelOrder\": \"BGR\"}}");
    awaitFinished(id)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.input.valueRange", org.hamcrest.Matchers.contains(-1.0f, 1.0f))
        .body("request.input.channelOrder", equalTo("BGR"));
    String plain = submit("{\"objective\": \"conv2:1\", \"size\": 16, \"steps\": 3, \"seed\": 31}");
    awaitFinished(plain);
    assertTrue(
        !java.util.Arrays.equals(image(id), image(plain)), "the model saw other pixel values");
    rejected(
        "{\"objective\": \"conv2:1\", \"input\": {\"valueRange\": [1, -1]}}",
        422,
        "input.valueRange",
        "smaller");
  }

  @Test
  void aBadTermIsRefusedWithItsPath() {
    rejected(
        "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv2\", \"channel\": 1},"
            + " {\"kind\": \"neuron\", \"layer\": \"conv2\", \"chanel\": 1}]}}",
        422,
        "objective.terms[1].chanel",
        "not a field of a neuron term");
    rejected(
        "{\"objective\": {\"terms\": [{\"kind\": \"glow\", \"layer\": \"conv2\"}]}}",
        422,
        "objective.terms[0].kind",
        "must be one of");
    rejected(
        "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv2\", \"channel\": 1,"
            + " \"batch\": 3}]}, \"batch\": 2}",
        422,
        "objective",
        "batch has 2");
  }

  @Test
  void anUnfinishedJobsImageIsAConflict() {
    String id = submit("{\"objective\": \"conv1:0\", \"size\": 64, \"steps\": 300, \"seed\": 3}");
    given()
        .get("/jobs/" + id + "/image")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .header("Retry-After", "1");
  }

  @Test
  void anUnknownJobIsNotFound() {
    given()
        .get("/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("status", equalTo(404));
    given().get("/jobs/..%2F..%2Fetc").then().statusCode(404);
  }

  @Test
  void anUnknownModelNamesTheField() {
    rejected(
        "{\"model\": \"no_such_model\", \"objective\": \"conv1:0\"}",
        422,
        "model",
        "no model 'no_such_model'");
  }

  @Test
  void anUnknownLayerNamesTheCloseMatches() {
    rejected("{\"objective\": \"conv9:0\"}", 422, "objective", "closest: conv1");
  }

  @Test
  void aChannelOutOfRangeGivesTheRange() {
    rejected("{\"objective\": \"conv1:16\"}", 422, "objective", "16 channels (0 to 15)");
  }

  @Test
  void negativeStepsAreRefusedWithTheLimit() {
    rejected("{\"objective\": \"conv1:0\", \"steps\": -5}", 422, "steps", "at least 1");
  }

  @Test
  void anOversizedImageIsRefusedWithTheLimit() {
    rejected("{\"objective\": \"conv1:0\", \"size\": 5000}", 422, "size", "at most 1024");
  }

  @Test
  void aWrongTypeIsABadRequest() {
    rejected("{\"objective\": \"conv1:0\", \"steps\": \"many\"}", 400, "steps", "whole number");
  }

  @Test
  void anUnknownFieldIsABadRequest() {
    rejected("{\"objective\": \"conv1:0\", \"stpes\": 5}", 400, "stpes", "not a known field");
  }

  @Test
  void aMissingObjectiveIsRefused() {
    rejected("{\"size\": 64}", 422, "objective", "required");
  }

  @Test
  void malformedJsonIsABadRequest() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": ")
        .when()
        .post("/visualize")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("not valid JSON"));
  }

  @Test
  void aScheduleIsTakenShownWithWhatItLeftOutAndCheckedField() {
    String id =
        submit(
            "{\"objective\": \"conv1:2\", \"size\": 16, \"steps\": 4, \"seed\": 1,"
                + " \"optimizer\": {\"schedule\": {\"decayTo\": 0.5}}}");
    awaitFinished(id)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.optimizer.schedule.decayTo", equalTo(0.5f))
        .body(
            "request.optimizer.schedule.warmup",
            equalTo((float) LearningRateSchedule.DEFAULT.warmup()));
    // The worker renders with it: the same recipe at a constant rate ends elsewhere.
    String constant =
        submit(
            "{\"objective\": \"conv1:2\", \"size\": 16, \"steps\": 4, \"seed\": 1,"
                + " \"optimizer\": {\"schedule\": {\"warmup\": 0, \"decayTo\": 1}}}");
    awaitFinished(constant).then().body("status", equalTo("SUCCEEDED"));
    assertFalse(java.util.Arrays.equals(image(id), image(constant)));
    rejected(
        "{\"objective\": \"conv1:2\", \"optimizer\": {\"schedule\": {\"warmup\": 0.7}}}",
        422,
        "optimizer.schedule.warmup",
        "0.5");
    rejected(
        "{\"objective\": \"conv1:2\", \"optimizer\": {\"schedule\": {\"decayTo\": -1}}}",
        422,
        "optimizer.schedule.decayTo",
        "0");
  }

  private static void rejected(String body, int status, String field, String text) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/visualize")
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("status", equalTo(status))
        .body("errors.field", hasItem(field))
        .body("detail", containsString(text));
  }

  private static int distinctColors(BufferedImage image) {
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colors.add(image.getRGB(x, y));
      }
    }
    return colors.size();
  }
}
