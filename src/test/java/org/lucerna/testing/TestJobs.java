package org.lucerna.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

/**
 * Leaves the service under test without queued or running jobs. The {@code @QuarkusTest} classes
 * share one service and its one worker: a job that a failed test left running would hold the
 * worker, and every later test would wait behind it. Classes that start jobs call {@link
 * #cancelUnfinished()} after each test.
 */
public final class TestJobs {
  /** The largest page that {@code GET /jobs} serves. */
  private static final int PAGE = 500;

  private TestJobs() {}

  /** Cancels every queued and running job, and waits until each has ended. */
  public static void cancelUnfinished() {
    List<String> left = unfinished();
    if (left.isEmpty()) {
      return;
    }
    System.out.println("[TestJobs] cancelling the jobs a test left queued or running: " + left);
    for (String id : left) {
      given().post("/jobs/" + id + "/cancel").then().statusCode(200);
    }
    // A running job stops at its next step, so this takes one step of the longest render.
    await("every job of the test ended")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> unfinished().isEmpty());
  }

  private static List<String> unfinished() {
    return given()
        .get("/jobs?status=QUEUED,RUNNING&limit=" + PAGE)
        .then()
        .statusCode(200)
        .extract()
        .path("jobs.id");
  }
}
