package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.job.ImageNames;
import org.lucerna.job.ImageStore;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestPngs;

/** Jobs that start from an uploaded picture, over HTTP, on tiny_cnn. */
@QuarkusTest
class StartImageTest {
  @Inject ImageStore images;

  @Inject org.lucerna.job.Limits limits;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  /**
   * One step of Adam at a learning rate of 1e-6 moves each parameter by about 1e-6, far below one
   * 8-bit level: what is left is the parametrization's round trip (picture → parameters → picture)
   * and 8-bit rounding, for the Fourier and the pixel parametrization alike.
   */
  @Test
  void aJobStartsFromThePictureAndWithoutItFromNoise() throws Exception {
    byte[] picture = TestPngs.encode(gradient(32, 32, 0));
    for (String param : new String[] {"{\"type\": \"fourier\"}", "{\"type\": \"pixel\"}"}) {
      String id =
          VisualizeResourceTest.submit(request(picture, 32, 32, 5, ", \"param\": " + param));
      VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
      double near = meanAbsDifference(picture, VisualizeResourceTest.image(id));
      System.out.printf("start image, %s param: mean |difference| %.3f/255%n", param, near * 255);
      assertTrue(
          near < 2 / 255.0, param + ": the result is " + near * 255 + "/255 from the start image");
    }
    String plain =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:7\", \"size\": 32, \"steps\": 1, \"seed\": 5,"
                + " \"optimizer\": {\"learningRate\": 1e-6}}");
    VisualizeResourceTest.awaitFinished(plain).then().body("status", equalTo("SUCCEEDED"));
    double far = meanAbsDifference(picture, VisualizeResourceTest.image(plain));
    System.out.printf("no start image: mean |difference| %.1f/255%n", far * 255);
    assertTrue(
        far > 30 / 255.0, "without the picture the result is only " + far * 255 + "/255 from it");
  }

  @Test
  void theJobShowsThePicturesHashNotItsBytesAndDeletingTheJobDeletesThePicture() throws Exception {
    byte[] picture = TestPngs.encode(gradient(24, 24, 1));
    String base64 = Base64.getEncoder().encodeToString(picture);
    String id = VisualizeResourceTest.submit(request(picture, 24, 24, 11, ""));
    Response done = VisualizeResourceTest.awaitFinished(id);
    done.then()
        .body("status", equalTo("SUCCEEDED"))
        .body("request.startImage.sha256", equalTo(sha256(picture)));
    String chunk = base64.substring(40, 80);
    assertFalse(done.asString().contains(chunk), "the job document carries the picture");
    assertFalse(
        given().get("/jobs?limit=100").asString().contains(chunk),
        "the listing carries the picture");
    assertArrayEquals(picture, images.get(id, ImageNames.START).orElseThrow());
    given().delete("/jobs/" + id).then().statusCode(204);
    assertTrue(images.get(id, ImageNames.START).isEmpty(), "the picture outlived its job");
  }

  @Test
  void aJpegInADataUrlIsResizedToCoverTheImage() throws Exception {
    BufferedImage wide = gradient(40, 96, 2);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(wide, "jpeg", jpeg));
    String id =
        VisualizeResourceTest.submit(
            "{\"objective\": \"conv2:7\", \"height\": 24, \"width\": 32, \"steps\": 1,"
                + " \"seed\": 2, \"optimizer\": {\"learningRate\": 1e-6}, \"startImage\": \"data:image/jpeg;base64,"
                + Base64.getEncoder().encodeToString(jpeg.toByteArray())
                + "\"}");
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
    BufferedImage result = TestPngs.decode(VisualizeResourceTest.image(id));
    assertEquals(32, result.getWidth());
    assertEquals(24, result.getHeight());
    // Covered, then the centre cropped: red rises left to right across the kept middle, not the
    // whole picture.
    int left = (result.getRGB(1, 12) >> 16) & 0xff;
    int right = (result.getRGB(30, 12) >> 16) & 0xff;
    assertTrue(right - left > 60 && right - left < 150, "red from " + left + " to " + right);
  }

  @Test
  void requestsThatDifferOnlyInTheirPictureAreNotMergedAndAnEqualOneReusesTheResult()
      throws Exception {
    byte[] one = TestPngs.encode(gradient(16, 16, 3));
    byte[] two = TestPngs.encode(gradient(16, 16, 4));
    String a = VisualizeResourceTest.submit(request(one, 16, 16, 21, ""));
    VisualizeResourceTest.awaitFinished(a).then().body("status", equalTo("SUCCEEDED"));
    String b = VisualizeResourceTest.submit(request(two, 16, 16, 21, ""));
    VisualizeResourceTest.awaitFinished(b)
        .then()
        .body("status", equalTo("SUCCEEDED"))
        .body("reusedFrom", nullValue());
    assertFalse(
        java.util.Arrays.equals(VisualizeResourceTest.image(a), VisualizeResourceTest.image(b)));
    String again =
        given()
            .contentType(ContentType.JSON)
            .body(request(one, 16, 16, 21, ""))
            .post("/visualize")
            .then()
            .statusCode(202)
            .body("status", equalTo("SUCCEEDED"))
            .body("reusedFrom", equalTo(a))
            .extract()
            .path("id");
    assertArrayEquals(VisualizeResourceTest.image(a), VisualizeResourceTest.image(again));

    String key = "start-image-" + System.nanoTime();
    String first =
        given()
            .contentType(ContentType.JSON)
            .header("Idempotency-Key", key)
            .body(request(one, 16, 16, 22, ""))
            .post("/visualize")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    given()
        .contentType(ContentType.JSON)
        .header("Idempotency-Key", key)
        .body(request(one, 16, 16, 22, ""))
        .post("/visualize")
        .then()
        .statusCode(200)
        .body("id", equalTo(first));
    given()
        .contentType(ContentType.JSON)
        .header("Idempotency-Key", key)
        .body(request(two, 16, 16, 22, ""))
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors.field", hasItem("Idempotency-Key"));
  }

  @Test
  void aPictureThatCannotBeUsedIsRefusedNamingTheField() throws Exception {
    refused("\"\"", "is empty");
    refused("\"not base64 !!\"", "not valid base64");
    refused(
        "\"" + Base64.getEncoder().encodeToString("hello world".getBytes()) + "\"",
        "not a PNG or JPEG");
    refused("\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"", "data:image/png;base64");
    refused(
        "\"data:image/png,"
            + Base64.getEncoder().encodeToString(TestPngs.encode(gradient(8, 8, 0)))
            + "\"",
        "in base64");
    byte[] png = TestPngs.encode(gradient(8, 8, 0));
    byte[] truncated = java.util.Arrays.copyOf(png, 40);
    refused("\"" + Base64.getEncoder().encodeToString(truncated) + "\"", "PNG or JPEG");
    refused(
        "\"" + Base64.getEncoder().encodeToString(TestPngs.header(100_000, 100_000)) + "\"",
        "10000000000 pixels; at most " + limits.maxStartImagePixels());
  }

  @Test
  void theDefaultBodyLimitTakesA512PixelPngOfNoise() throws Exception {
    BufferedImage noise = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(7);
    for (int y = 0; y < 512; y++) {
      for (int x = 0; x < 512; x++) {
        noise.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    String body = request(TestPngs.encode(noise), 16, 16, 3, "");
    System.out.printf(
        "a 512×512 PNG of noise makes a body of %d bytes; the limit is %d%n",
        body.length(), limits.maxBodyBytes());
    assertTrue(body.length() <= limits.maxBodyBytes());
    VisualizeResourceTest.submit(body);
  }

  private static String request(byte[] picture, int height, int width, long seed, String more) {
    return "{\"objective\": \"conv2:7\", \"height\": "
        + height
        + ", \"width\": "
        + width
        + ", \"steps\": 1,"
        + " \"seed\": "
        + seed
        + ", \"optimizer\": {\"learningRate\": 1e-6}"
        + more
        + ", \"startImage\": \""
        + Base64.getEncoder().encodeToString(picture)
        + "\"}";
  }

  private static void refused(String startImage, String text) {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"objective\": \"conv2:7\", \"size\": 16, \"steps\": 1, \"startImage\": "
                + startImage
                + "}")
        .when()
        .post("/visualize")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("startImage"))
        .body("detail", containsString(text));
  }

  /** Smooth colors well inside (0, 1), where the sigmoid can be inverted exactly. */
  private static BufferedImage gradient(int height, int width, int variant) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (int) Math.round(40 + 170.0 * x / (width - 1));
        int g =
            (int) Math.round(40 + 170.0 * (variant % 2 == 0 ? y : height - 1 - y) / (height - 1));
        int b = (int) Math.round(128 + 80 * Math.sin((x + y + variant * 5) / 4.0));
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  private static double meanAbsDifference(byte[] pngA, byte[] pngB) {
    BufferedImage a = TestPngs.decode(pngA);
    BufferedImage b = TestPngs.decode(pngB);
    assertEquals(a.getWidth(), b.getWidth());
    assertEquals(a.getHeight(), b.getHeight());
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
        }
      }
    }
    return sum / (a.getWidth() * a.getHeight() * 3) / 255.0;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
