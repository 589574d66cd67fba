package org.lucerna.api.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthTest {

  @Test
  void startedOnceTheDefaultModelIsWarmed() {
    Response r =
        await("started")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> given().get("/q/health/started"),
                started -> {
                  if (started.statusCode() != 200) {
                    started.then().statusCode(503).body("status", equalTo("DOWN"));
                  }
                  return started.statusCode() == 200;
                });
    r.then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'models warmed' }.data.model", equalTo("tiny_cnn"))
        .body("checks.find { it.name == 'models warmed' }.data.version", equalTo(1));
  }

  @Test
  void readyWhileWorkersRun() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("workers"))
        .body("checks.find { it.name == 'workers' }.data.aliveWorkers", greaterThanOrEqualTo(1))
        .body("checks.find { it.name == 'workers' }.data.draining", equalTo(false));
  }

  @Test
  void liveWhileEveryWorkerThreadIs() {
    given()
        .get("/q/health/live")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body(
            "checks.find { it.name == 'worker threads' }.data.aliveWorkers",
            greaterThanOrEqualTo(1));
  }
}
