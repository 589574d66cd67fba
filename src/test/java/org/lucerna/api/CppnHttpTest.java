package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** A CPPN job over HTTP on tiny_cnn, drawn again larger with {@code image?scale=k}. */
@QuarkusTest
class CppnHttpTest {
  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void aCppnJobIsDrawnAgainLargerAndItsMeansAreTheImage() throws Exception {
    String body =
        "{\"objective\": \"conv3:7\", \"height\": 24, \"width\": 20, \"batch\": 2,"
            + " \"steps\": 48, \"seed\": 5, \"param\": {\"type\": \"cppn\"}}";
    String id = VisualizeResourceTest.submit(body);
    // Only the parametrization is said: the learning rate is the CPPN's, colors not correlated, the
    // redirected ReLU on.
    VisualizeResourceTest.awaitFinished(id)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.param.type", equalTo("cppn"))
        .body("request.param.decorrelate", equalTo(false))
        .body("request.optimizer.type", equalTo("adam"))
        .body("request.optimizer.learningRate", equalTo(0.005f))
        .body("request.redirectedRelu", equalTo(true))
        .body("request.transforms", equalTo("standard"));
    BufferedImage[] one = new BufferedImage[2];
    BufferedImage[] four = new BufferedImage[2];
    for (int b = 0; b < 2; b++) {
      one[b] = TestPngs.decode(png("/jobs/" + id + "/image?batch=" + b));
      byte[] bytes = png("/jobs/" + id + "/image?scale=4&batch=" + b);
      four[b] = TestPngs.decode(bytes);
      assertEquals(80, four[b].getWidth());
      assertEquals(96, four[b].getHeight());
      // Drawn once, then kept: the same bytes, and the ETag answers 304.
      String tag =
          given()
              .get("/jobs/" + id + "/image?scale=4&batch=" + b)
              .then()
              .statusCode(200)
              .header("Cache-Control", containsString("immutable"))
              .extract()
              .header("ETag");
      given()
          .header("If-None-Match", tag)
          .get("/jobs/" + id + "/image?scale=4&batch=" + b)
          .then()
          .statusCode(304);
    }
    double spread = difference(flat(one[0]), one[0]);
    for (int b = 0; b < 2; b++) {
      double own = difference(shrink(four[b], 4), one[b]);
      // Another network (the other image's, its own seed) drawn at 4× and shrunk: what a drawing
      // with the wrong weights would give.
      double other = difference(shrink(four[1 - b], 4), one[b]);
      System.out.printf(
          "[CppnHttpTest] image %d: mean |shrunk 4x - 1x| %.3f levels, other network %.3f,"
              + " spread %.3f%n",
          b, own, other, spread);
      // Not 0: at 20 px the network has detail finer than a pixel, which a block's mean keeps and
      // the pixel's centre does not (measured 2.5 levels; another network is 24 levels off).
      assertTrue(own < 4, "mean difference " + own + " levels of 255");
      assertTrue(own < 0.2 * other, own + " against the other network's " + other);
    }
    assertTrue(spread > 10, "the render moved away from gray: " + spread);
    // The same request again is served from this result, parameters included: its drawing is the
    // same picture.
    String again =
        given()
            .contentType(ContentType.JSON)
            .body(body)
            .post("/visualize")
            .then()
            .statusCode(202)
            .body("reusedFrom", equalTo(id))
            .extract()
            .path("id");
    assertArrayEquals(
        png("/jobs/" + id + "/image?scale=2&batch=1"),
        png("/jobs/" + again + "/image?scale=2&batch=1"));
    // An image of the batch at scale 1 is the stored one.
    given().get("/jobs/" + id + "/image?scale=1").then().statusCode(200);
    given()
        .get("/jobs/" + id + "/image?scale=9")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("scale"))
        .body("errors[0].message", containsString("1 to 8"));
    given().get("/jobs/" + id + "/image?scale=2&batch=2").then().statusCode(404);
  }

  @Test
  void otherJobsAndTooLargeDrawingsAreRefusedNamingTheScale() throws Exception {
    String fourier =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:3\", \"size\": 16, \"steps\": 2, \"seed\": 1}");
    VisualizeResourceTest.awaitFinished(fourier).then().body("status", equalTo("SUCCEEDED"));
    given()
        .get("/jobs/" + fourier + "/image?scale=4")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("scale"))
        .body("errors[0].message", containsString("only a cppn image"));
    // Refused from the request alone, before the job has finished.
    String large =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:3\", \"height\": 520, \"width\": 8, \"steps\": 10000, \"transforms\": \"none\","
                + " \"param\": {\"type\": \"cppn\"}}");
    given()
        .get("/jobs/" + large + "/image?scale=8")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("scale"))
        .body("errors[0].message", containsString("at most 4096 pixels"))
        .body("errors[0].message", containsString("scale is at most 7"));
    String picture =
        Base64.getEncoder()
            .encodeToString(TestPngs.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": \"conv2:3\", \"size\": 16, \"param\": {\"type\": \"cppn\"},"
                + " \"startImage\": \""
                + picture
                + "\"}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("startImage"))
        .body("errors[0].message", containsString("cppn image cannot start from a picture"));
  }

  private static byte[] png(String path) {
    return given()
        .get(path)
        .then()
        .statusCode(200)
        .contentType("image/png")
        .extract()
        .asByteArray();
  }

  /** The mean of every {@code s × s} block, per channel, in levels of 255. */
  private static double[][][] shrink(BufferedImage large, int s) {
    int h = large.getHeight() / s;
    int w = large.getWidth() / s;
    double[][][] out = new double[h][w][3];
    for (int y = 0; y < large.getHeight(); y++) {
      for (int x = 0; x < large.getWidth(); x++) {
        int rgb = large.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          out[y / s][x / s][c] += ((rgb >> (16 - 8 * c)) & 0xff) / (double) (s * s);
        }
      }
    }
    return out;
  }

  private static double[][][] flat(BufferedImage image) {
    double[][][] levels = shrink(image, 1);
    double[] mean = new double[3];
    int n = image.getWidth() * image.getHeight();
    for (double[][] row : levels) {
      for (double[] p : row) {
        for (int c = 0; c < 3; c++) {
          mean[c] += p[c] / n;
        }
      }
    }
    for (double[][] row : levels) {
      for (double[] p : row) {
        System.arraycopy(mean, 0, p, 0, 3);
      }
    }
    return levels;
  }

  /** Mean absolute difference in levels of 255 between {@code a} and {@code image}. */
  private static double difference(double[][][] a, BufferedImage image) {
    return difference(a, shrink(image, 1));
  }

  private static double difference(double[][][] a, double[][][] b) {
    double sum = 0;
    int n = 0;
    for (int y = 0; y < a.length; y++) {
      for (int x = 0; x < a[0].length; x++) {
        for (int c = 0; c < 3; c++) {
          sum += Math.abs(a[y][x][c] - b[y][x][c]);
          n++;
        }
      }
    }
    return sum / n;
  }
}
