package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.awt.image.BufferedImage;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestPngs;

/** Caricature and feature accentuation over HTTP, on tiny_cnn. */
@QuarkusTest
class CaricatureHttpTest {
  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  private static String photo() throws Exception {
    BufferedImage image = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(6);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 20; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return Base64.getEncoder().encodeToString(TestPngs.encode(image));
  }

  @Test
  void aCaricatureAndAFeatureAccentuationOfAPhotoSucceed() throws Exception {
    String picture = photo();
    String caricature =
        VisualizeResourceTest.submit(
            "{\"objective\": {\"terms\": [{\"kind\": \"caricature\", \"layer\": \"conv2\","
                + " \"cossimPower\": 1}]}, \"size\": 24, \"steps\": 6, \"startImage\": \""
                + picture
                + "\"}");
    String accentuation =
        VisualizeResourceTest.submit(
            "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv3\","
                + " \"channel\": 7}, {\"kind\": \"start_distance\", \"weight\": -20}]},"
                + " \"size\": 24, \"steps\": 6, \"startImage\": \""
                + picture
                + "\"}");
    VisualizeResourceTest.awaitFinished(caricature)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.objective.terms[0].kind", equalTo("caricature"))
        .body("request.objective.terms[0].cossimPower", equalTo(1.0f));
    VisualizeResourceTest.awaitFinished(accentuation)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.objective.terms[1].kind", equalTo("start_distance"))
        .body("request.objective.terms[1].weight", equalTo(-20.0f));
    given().get("/jobs/" + caricature + "/image").then().statusCode(200);
  }

  @Test
  void aCaricatureWithoutAPhotoOrWithCropsIsRefused() throws Exception {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": {\"terms\": [{\"kind\": \"caricature\", \"layer\": \"conv2\"}]},"
                + " \"size\": 16}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("startImage"))
        .body("detail", containsString("caricature"));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": {\"terms\": [{\"kind\": \"caricature\", \"layer\": \"conv2\"}]},"
                + " \"size\": 16, \"transforms\": [{\"type\": \"crops\", \"count\": 2,"
                + " \"sides\": [0.2, 0.5]}], \"startImage\": \""
                + photo()
                + "\"}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("objective"))
        .body("detail", containsString("crops"));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": {\"terms\": [{\"kind\": \"caricature\", \"layer\": \"conv2\","
                + " \"cossimPower\": 11}]}, \"size\": 16}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("detail", containsString("cossimPower"));
  }
}
