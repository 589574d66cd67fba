package org.lucerna.ui;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;

/** The API calls the browser tests make beside the page: jobs submitted, awaited and counted. */
final class Jobs {
  private Jobs() {}

  /**
   * The request the page sends for a channel of tiny_cnn with the page's defaults except size,
   * steps and seed.
   */
  static String pageRequest(String layer, int channel, int size, int steps, long seed) {
    StringBuilder snapshots = new StringBuilder();
    for (int k = 1; k < 8; k++) {
      int s = Math.round(steps * k / 8f);
      if (s > 0
          && s < steps
          && snapshots.indexOf("," + s + ",") < 0
          && !snapshots.toString().endsWith("," + s)) {
        snapshots.append(snapshots.isEmpty() ? "" : ",").append(s);
      }
    }
    return "{\"model\": \"tiny_cnn\", \"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \""
        + layer
        + "\", \"channel\": "
        + channel
        + ", \"weight\": 1}]}, \"size\": "
        + size
        + ", \"steps\": "
        + steps
        + ", \"seed\": "
        + seed
        + ", \"batch\": 1, \"snapshots\": ["
        + snapshots
        + "],"
        + " \"optimizer\": {\"type\": \"adam\", \"learningRate\": 0.05},"
        + " \"param\": {\"type\": \"fourier\", \"decorrelate\": true}, \"transforms\": \"standard\"}";
  }

  static String submit(String body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/visualize")
        .then()
        .extract()
        .path("id");
  }

  static JsonPath job(String id) {
    return given().get("/jobs/" + id).then().statusCode(200).extract().jsonPath();
  }

  static String awaitFinished(String id) throws InterruptedException {
    return await("job " + id + " finished")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> job(id).getString("status"),
            status -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status));
  }

  /** How many jobs the service holds. */
  static int count() {
    return given()
        .get("/jobs?limit=500")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("jobs")
        .size();
  }
}
