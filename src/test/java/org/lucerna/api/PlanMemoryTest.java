package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lucerna.job.Limits;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.tfjs.ModelZoo;
import org.lucerna.model.tfjs.NsfwjsPackage;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.PlanMemory;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestModels;

/**
 * Requests whose render would not fit in memory are refused when they are submitted, with the
 * estimate, the limit and the fields that drive it; ordinary ones are still accepted. On the shared
 * {@code cifar10_cnn} and the zoo's {@code inception_v3} (imported from npm; the inception tests
 * are skipped, saying so, when npm cannot get it).
 */
@QuarkusTest
class PlanMemoryTest {
  /** The issue's request: eight pads of 1024 and two scales of 4 on a 1024 px batch of 16. */
  private static final String HUGE_TRANSFORMS =
      "["
          + String.join(",", Collections.nCopies(8, "{\"type\": \"pad\", \"width\": 1024}"))
          + ","
          + String.join(",", Collections.nCopies(2, "{\"type\": \"scale\", \"factors\": [4]}"))
          + "]";

  private static String zooUnavailable;

  @Inject ModelRegistry registry;

  @BeforeAll
  static void models() throws Exception {
    TestModels.copyShared("cifar10_cnn", TestModels.ROOT.resolve("cifar10_cnn").resolve("1"));
    try {
      ModelZoo.install(TestModels.ROOT, ModelZoo.MODELS, null, System.out);
    } catch (ModelZoo.PackageUnavailableException e) {
      zooUnavailable = "npm cannot get " + NsfwjsPackage.SPEC + ": " + e.getMessage();
    }
  }

  @AfterEach
  void cancel() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void theIssuesCifarRequestIsRefusedWithTheEstimateTheLimitAndTheFields() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"model\": \"cifar10_cnn\", \"objective\": \"conv2d_1:0\", \"size\": 1024,"
                + " \"batch\": 16, \"steps\": 1, \"transforms\": "
                + HUGE_TRANSFORMS
                + "}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body(
            "detail",
            allOf(
                matchesPattern("the render would need about [0-9.]+ [GM]iB \\(.*"),
                containsString("lucerna.limits.max-plan-bytes, " + limitText()),
                containsString("278528×278528 px")))
        .body("errors.field", hasItems("size", "height", "width", "batch", "transforms"));
  }

  @Test
  void transformsThatMakeTooLargeAnImageAreRefusedEvenWhenSmall() {
    // 16 + 2·1024 + 2·1024 = 4112 px a side: a few hundred MB for one image, under the memory
    // limit, but above the side the transforms may make.
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": \"conv1:0\", \"size\": 16, \"steps\": 1, \"transforms\": ["
                + "{\"type\": \"pad\", \"width\": 1024}, {\"type\": \"pad\", \"width\": 1024}]}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(List.of("transforms")))
        .body(
            "detail",
            allOf(
                containsString("transforms[1] (pad) can make an image side of 4112 pixels"),
                containsString("at most " + FormatLimits.MAX_TRANSFORMED_SIDE)));
  }

  @Test
  void anOrdinaryCifarRequestIsAccepted() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"model\": \"cifar10_cnn\", \"objective\": \"conv2d_1:0\", \"size\": 224,"
                + " \"batch\": 4, \"steps\": 1}")
        .post("/visualize")
        .then()
        .statusCode(202);
  }

  @Test
  void inceptionAt1024PxAndBatch16IsRefused() {
    assumeZoo();
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"model\": \"inception_v3\", \"objective\": \"mixed4:97\", \"size\": 1024,"
                + " \"batch\": 16, \"steps\": 1}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body(
            "detail",
            allOf(
                matchesPattern("the render would need about [0-9.]+ GiB \\(.*"),
                containsString("model activations"),
                containsString(limitText())))
        .body("errors.field", hasItems("size", "batch", "transforms"));
  }

  @Test
  void inceptionAt224PxAndBatch4IsAccepted() {
    assumeZoo();
    String id =
        given()
            .contentType(ContentType.JSON)
            .body(
                "{\"model\": \"inception_v3\", \"objective\": \"mixed4:97\", \"size\": 224,"
                    + " \"batch\": 4, \"steps\": 1}")
            .post("/visualize")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    // Its worker may be building InceptionV3's plan, which on a loaded machine takes longer than
    // TestJobs waits; a running job stops at its first step.
    given().post("/jobs/" + id + "/cancel").then().statusCode(200);
    Awaitility.await("the accepted job ended")
        .atMost(Duration.ofMinutes(10))
        .until(
            () -> given().get("/jobs/" + id).then().extract().<String>path("status"),
            status -> !status.equals("QUEUED") && !status.equals("RUNNING"));
  }

  private static String limitText() {
    return PlanMemory.bytes(Limits.DEFAULT_MAX_PLAN_BYTES)
        + " ("
        + Limits.DEFAULT_MAX_PLAN_BYTES
        + " bytes)";
  }

  private void assumeZoo() {
    Assumptions.assumeTrue(
        zooUnavailable == null
            && Files.exists(TestModels.ROOT.resolve("inception_v3/1/saved_model.pb")),
        () -> "inception_v3 is not in the test repository: " + zooUnavailable);
    // Prepared here, without an HTTP client's read timeout: on a loaded machine it takes minutes.
    registry.loadAndWait("inception_v3", OptionalLong.empty());
  }
}
