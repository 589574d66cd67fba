package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.awt.image.BufferedImage;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestPngs;

/** MACO's recipe and the transparency maps over HTTP, on tiny_cnn. */
@QuarkusTest
class MacoHttpTest {
  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void aMacoRequestGetsMacosRecipeAndItsImageComesWithATransparencyMap() throws Exception {
    // Only the parametrization is said: steps, transforms and optimizer are MACO's.
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv2:3\", \"size\": 32, \"param\": {\"type\": \"maco\"}}")
        .post("/visualize")
        .then()
        .statusCode(202)
        .body("request.steps", equalTo(256))
        .body("request.transforms", equalTo("maco"))
        .body("request.optimizer.type", equalTo("nadam"))
        .body("request.optimizer.learningRate", equalTo(1.0f))
        .body("request.param.type", equalTo("maco"));
    TestJobs.cancelUnfinished();

    String id =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:3\", \"size\": 32, \"batch\": 2, \"steps\": 6, \"seed\": 4,"
                + " \"param\": {\"type\": \"maco\"},"
                + " \"transforms\": [{\"type\": \"crops\", \"count\": 4, \"sides\": [0.2, 0.6]},"
                + " {\"type\": \"noise\", \"std\": 0.05}]}");
    VisualizeResourceTest.awaitFinished(id)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.optimizer.type", equalTo("nadam"))
        .body("links.alpha", equalTo("/jobs/" + id + "/alpha"));
    for (int b = 0; b < 2; b++) {
      BufferedImage image =
          TestPngs.decode(
              given()
                  .get("/jobs/" + id + "/image?batch=" + b)
                  .then()
                  .statusCode(200)
                  .extract()
                  .asByteArray());
      BufferedImage alpha =
          TestPngs.decode(
              given()
                  .get("/jobs/" + id + "/alpha?batch=" + b)
                  .then()
                  .statusCode(200)
                  .extract()
                  .asByteArray());
      BufferedImage map =
          TestPngs.decode(
              given()
                  .get("/jobs/" + id + "/attribution?batch=" + b)
                  .then()
                  .statusCode(200)
                  .contentType("image/png")
                  .extract()
                  .asByteArray());
      assertTrue(alpha.getColorModel().hasAlpha(), "the alpha image has an alpha channel");
      assertEquals(1, map.getColorModel().getNumComponents(), "the map is grayscale");
      assertEquals(32, map.getWidth());
      int opaque = 0;
      int transparent = 0;
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          int a = alpha.getRGB(x, y) >>> 24;
          // The alpha image is the image's colors with the map's levels as alpha.
          assertEquals(image.getRGB(x, y) & 0xffffff, alpha.getRGB(x, y) & 0xffffff);
          assertEquals(map.getRaster().getSample(x, y, 0), a, 1);
          opaque += a == 255 ? 1 : 0;
          transparent += a < 128 ? 1 : 0;
        }
      }
      // Clipped at the 99th percentile: about 1% of the pixels are fully opaque, and not all of the
      // rest are.
      assertTrue(opaque >= 10 && opaque < 1024, "opaque pixels: " + opaque);
      assertTrue(transparent < 1024, "transparent pixels: " + transparent);
    }
    given().get("/jobs/" + id + "/alpha?batch=2").then().statusCode(404);
  }

  @Test
  void aFourierJobHasATransparencyMapToo() {
    String id =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:3\", \"size\": 24, \"steps\": 3, \"seed\": 2,"
                + " \"transforms\": \"none\"}");
    VisualizeResourceTest.awaitFinished(id)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.optimizer.type", equalTo("adam"))
        .body("request.steps", equalTo(3));
    given().get("/jobs/" + id + "/attribution").then().statusCode(200).contentType("image/png");
  }

  @Test
  void macoRefusesAStartImageAndCropsRefuseDiversityBeforeAJobExists() throws Exception {
    String picture =
        Base64.getEncoder()
            .encodeToString(TestPngs.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": \"conv2:3\", \"size\": 16, \"param\": {\"type\": \"maco\"},"
                + " \"startImage\": \""
                + picture
                + "\"}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("startImage"));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": {\"terms\": [{\"kind\": \"diversity\", \"layer\": \"conv2\"}]},"
                + " \"size\": 16, \"batch\": 2, \"transforms\": \"maco\"}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("objective"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv2:3\", \"optimizer\": {\"type\": \"sgd\"}}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("optimizer.type"));
  }
}
