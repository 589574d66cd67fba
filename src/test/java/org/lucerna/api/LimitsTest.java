package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.config.WithDefault;
import jakarta.inject.Inject;
import java.lang.reflect.Method;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.lucerna.job.JobQueue;
import org.lucerna.job.Limits;
import org.lucerna.optvis.LearningRateSchedule;
import org.lucerna.optvis.param.ImageParametrization;
import org.lucerna.testing.TestPngs;

/**
 * The limits in force are the documented ones: the service runs with the code's defaults (which
 * {@link ReadmeTablesTest} holds equal to application.properties and the README's configuration
 * table), each check refuses one past its configured limit and names it, and the README's request
 * table states the same numbers.
 */
@QuarkusTest
class LimitsTest {
  private static final String OK = "\"objective\": \"conv1:0\", \"size\": 16, \"steps\": 1";

  @Inject Limits limits;

  @Inject JobQueue queue;

  @Test
  void theServiceRunsWithTheDocumentedDefaults() throws Exception {
    for (Method m : Limits.class.getDeclaredMethods()) {
      WithDefault documented = m.getAnnotation(WithDefault.class);
      if (documented != null) {
        assertEquals(documented.value(), String.valueOf(m.invoke(limits)), m.getName());
      }
    }
  }

  @Test
  void eachRequestLimitRefusesOnePastIt() {
    int size = limits.maxSize() + 1;
    refused("{" + OK + ", \"size\": " + size + "}", "size", "must be at most " + limits.maxSize());
    refused(
        "{" + OK + ", \"height\": " + size + "}", "height", "must be at most " + limits.maxSize());
    refused(
        "{" + OK + ", \"width\": " + size + "}", "width", "must be at most " + limits.maxSize());
    refused(
        "{" + OK + ", \"steps\": " + (limits.maxSteps() + 1) + "}",
        "steps",
        "must be at most " + limits.maxSteps());
    refused(
        "{" + OK + ", \"batch\": " + (limits.maxBatch() + 1) + "}",
        "batch",
        "must be at most " + limits.maxBatch());
    String snapshots =
        IntStream.rangeClosed(1, limits.maxSnapshots() + 1)
            .mapToObj(String::valueOf)
            .collect(Collectors.joining(", ", "[", "]"));
    refused(
        "{" + OK + ", \"snapshots\": " + snapshots + "}",
        "snapshots",
        "must have at most " + limits.maxSnapshots() + " entries");
    String picture =
        Base64.getEncoder()
            .encodeToString(TestPngs.header((int) limits.maxStartImagePixels() + 1, 1));
    refused(
        "{" + OK + ", \"startImage\": \"" + picture + "\"}",
        "startImage",
        "at most " + limits.maxStartImagePixels() + " are accepted");
  }

  @Test
  void aBodyOnePastItsLimitIs413() {
    String start = "{" + OK + ",\"seed\": 1";
    String body = start + " ".repeat((int) limits.maxBodyBytes() + 1 - start.length() - 1) + "}";
    assertEquals(limits.maxBodyBytes() + 1, body.length());
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/visualize")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("detail", containsString("at most " + limits.maxBodyBytes()))
        .body("errors.field", hasItem("body"));
  }

  @Test
  void theQueueHoldsItsConfiguredCapacity() {
    assertEquals(limits.queueCapacity(), queue.capacity());
  }

  @Test
  void theOptimizerRendersTheLargestImageTheLimitsAdmit() {
    assertTrue(
        limits.maxSize() <= ImageParametrization.MAX_SIDE,
        "max-size "
            + limits.maxSize()
            + " exceeds the largest side the parametrization takes, "
            + ImageParametrization.MAX_SIDE);
  }

  @Test
  void theReadmesRequestTableStatesTheseLimitsAndDefaults() {
    Map<String, String> rows =
        ReadmeTables.table("## The request").stream()
            .collect(Collectors.toMap(r -> r.get(0), r -> r.get(1) + " | " + r.get(2)));
    assertRow(
        rows, "`size`", Limits.DEFAULT_SIZE + " ", Limits.MIN_SIZE + " to " + limits.maxSize());
    assertRow(rows, "`batch`", "1 ", "1 to " + limits.maxBatch());
    assertRow(rows, "`steps`", Limits.DEFAULT_STEPS + " ", "1 to " + limits.maxSteps());
    assertRow(rows, "`snapshots`", "at most " + limits.maxSnapshots());
    assertRow(
        rows,
        "`optimizer`",
        "\"learningRate\": " + Limits.DEFAULT_LEARNING_RATE + ",",
        "\"schedule\": {\"warmup\": "
            + LearningRateSchedule.DEFAULT.warmup()
            + ", \"decayTo\": "
            + LearningRateSchedule.DEFAULT.decayTo()
            + "}}");
  }

  private static void assertRow(Map<String, String> rows, String field, String... parts) {
    String row = rows.get(field);
    for (String part : List.of(parts)) {
      assertTrue(
          row != null && row.contains(part),
          "README's request row " + field + " should say " + part + ": " + row);
    }
  }

  private static void refused(String body, String field, String text) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/visualize")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("status", equalTo(422))
        .body("errors.field", hasItem(field))
        .body("detail", containsString(text));
  }
}
