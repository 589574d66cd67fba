package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;

/** A web page on another origin submits a job and reads its Location, as a browser would. */
@QuarkusTest
class CorsTest {
  private static final String ORIGIN = "https://notebook.example.org";

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void thePreflightOfASubmissionIsAllowed() {
    given()
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,idempotency-key")
        .when()
        .options("/visualize")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", is(ORIGIN))
        .header("Access-Control-Allow-Methods", containsString("POST"))
        .header("Access-Control-Allow-Headers", containsString("Idempotency-Key"));
  }

  @Test
  void aSubmissionExposesItsLocationToScripts() {
    given()
        .header("Origin", ORIGIN)
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv1:0\", \"size\": 8, \"steps\": 1}")
        .when()
        .post("/visualize")
        .then()
        .statusCode(202)
        .header("Location", notNullValue())
        .header("Access-Control-Allow-Origin", is(ORIGIN))
        .header("Access-Control-Expose-Headers", containsString("Location"))
        .header("Access-Control-Expose-Headers", containsString("Retry-After"))
        .header("Access-Control-Expose-Headers", containsString("ETag"));
  }

  @Test
  void anErrorIsReadableFromAnotherOriginToo() {
    // Without the CORS headers on a 4xx the page sees only a network error, never the problem
    // document.
    given()
        .header("Origin", ORIGIN)
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"no_such_layer:0\"}")
        .when()
        .post("/visualize")
        .then()
        .statusCode(422)
        .header("Access-Control-Allow-Origin", equalTo(ORIGIN));
  }
}
