package org.lucerna.job;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;

@QuarkusTest
class JobMetricsTest {
  @Inject JobMetrics metrics;

  /**
   * The value of one Prometheus sample, {@code name{labels}} exactly as exposed, or 0 when absent.
   */
  static double sample(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static String scrape() {
    return given().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void everyCallShowsInTheScrape() {
    String before = scrape();
    metrics.submitted();
    metrics.submitted();
    metrics.rejected(JobMetrics.QUEUE_FULL);
    metrics.rejected(JobMetrics.VALIDATION);
    metrics.rejected(JobMetrics.VALIDATION);
    metrics.started(Duration.ofMillis(250));
    metrics.started(Duration.ofMillis(750));
    metrics.finished(JobStatus.SUCCEEDED, Duration.ofSeconds(2), 100);
    metrics.finished(JobStatus.QUEUED, Duration.ofSeconds(1), 0);
    metrics.modelLoaded("metrics_probe", Duration.ofMillis(1500));
    String after = scrape();

    assertEquals(2, delta(before, after, "lucerna_jobs_submitted_total"));
    assertEquals(1, delta(before, after, "lucerna_jobs_rejected_total{reason=\"queue_full\"}"));
    assertEquals(2, delta(before, after, "lucerna_jobs_rejected_total{reason=\"validation\"}"));
    assertEquals(1, delta(before, after, "lucerna_jobs_completed_total{outcome=\"SUCCEEDED\"}"));
    assertEquals(1, delta(before, after, "lucerna_jobs_requeued_total"));
    assertEquals(2, delta(before, after, "lucerna_jobs_queue_wait_seconds_count"));
    assertEquals(1.0, delta(before, after, "lucerna_jobs_queue_wait_seconds_sum"), 1e-9);
    assertEquals(2, delta(before, after, "lucerna_jobs_run_seconds_count"));
    assertEquals(50, delta(before, after, "lucerna_render_steps_per_second_sum"), 1e-9);
    assertEquals(
        1.5, sample(after, "lucerna_model_load_seconds_sum{model=\"metrics_probe\"}"), 1e-9);
    // A histogram, so that percentiles can be computed across pods: buckets up to +Inf.
    assertTrue(after.contains("lucerna_jobs_run_seconds_bucket{le=\"+Inf\"}"), "run-time buckets");
    assertTrue(
        after.contains("lucerna_jobs_queue_wait_seconds_bucket{le=\"+Inf\"}"),
        "queue-wait buckets");
  }

  @Test
  void aRealJobLeavesTheGaugesAtRest() {
    String id =
        given()
            .contentType(ContentType.JSON)
            .body("{\"objective\": \"conv2:1\", \"size\": 16, \"steps\": 3}")
            .when()
            .post("/visualize")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    await("job " + id + " succeeded")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> given().get("/jobs/" + id).then().statusCode(200).extract().path("status"),
            equalTo("SUCCEEDED"));
    String after = scrape();
    // Present without any hook in the job service: the queue gauge reads the queue itself, and the
    // warm-up records the default model's load.
    assertTrue(after.contains("lucerna_jobs_queued "), "queue depth gauge");
    assertEquals(0, sample(after, "lucerna_jobs_queued"));
    assertTrue(
        sample(after, "lucerna_model_load_seconds_count{model=\"tiny_cnn\"}") >= 1,
        "default model load");
  }

  private static double delta(String before, String after, String series) {
    return sample(after, series) - sample(before, series);
  }
}
