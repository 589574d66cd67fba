package org.lucerna.api.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthTest {

  @Test
  void startedOnceTheDefaultModelIsWarmed() throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Response r = given().get("/q/health/started");
    while (r.statusCode() != 200 && System.nanoTime() < deadline) {
      r.then().statusCode(503).body("status", equalTo("DOWN"));
      Thread.sleep(100);
      r = given().get("/q/health/started");
    }
    r.then().statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'models warmed' }.data.model", equalTo("tiny_cnn"))
        .body("checks.find { it.name == 'models warmed' }.data.version", equalTo(1));
  }

  @Test
  void readyWhileWorkersRun() {
    given().get("/q/health/ready").then().statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("workers"))
        .body("checks.find { it.name == 'workers' }.data.aliveWorkers", greaterThanOrEqualTo(1))
        .body("checks.find { it.name == 'workers' }.data.draining", equalTo(false));
  }

  @Test
  void liveWhileEveryWorkerThreadIs() {
    given().get("/q/health/live").then().statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'worker threads' }.data.aliveWorkers", greaterThanOrEqualTo(1));
  }
}
