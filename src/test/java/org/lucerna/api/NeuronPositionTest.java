package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;

/**
 * A neuron's explicit position is checked at submit against its layer at the smallest image that
 * can reach the model. On tiny_cnn (3×3 SAME convolutions, 2×2 pooling after conv1 and conv2) with
 * pad 2, jitter 4 and scale 0.5 only, a 32×48 image always reaches the model as 16×24, and conv2 is
 * 8×12.
 */
@QuarkusTest
class NeuronPositionTest {
  private static final String TRANSFORMS =
      "[{\"type\": \"pad\", \"width\": 2}, {\"type\": \"jitter\", \"pixels\": 4},"
          + " {\"type\": \"scale\", \"factors\": [0.5]}]";

  private static String request(int x, int y) {
    return "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv1\", \"channel\": 2},"
        + " {\"kind\": \"neuron\", \"layer\": \"conv2\", \"channel\": 5, \"x\": "
        + x
        + ", \"y\": "
        + y
        + "}]},"
        + " \"height\": 32, \"width\": 48, \"steps\": 6, \"seed\": 9, \"transforms\": "
        + TRANSFORMS
        + "}";
  }

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void thePositionJustInsideTheLayerRenders() throws Exception {
    String id = VisualizeResourceTest.submit(request(7, 11));
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
  }

  @Test
  void aRowBeyondTheLayerIsRefusedWithTheFieldAndTheLayersRows() {
    refused(
        request(8, 11), "objective.terms[1].x", "layer 'conv2' has 8 rows (x 0 to 7)", "16×24 px");
  }

  @Test
  void aColumnBeyondTheLayerIsRefusedWithTheFieldAndTheLayersColumns() {
    refused(
        request(0, 12),
        "objective.terms[1].y",
        "layer 'conv2' has 12 columns (y 0 to 11)",
        "16×24 px");
  }

  @Test
  void withTheStandardTransformsTheLimitIsTheLayerAtTheSmallestScale() {
    // 16 px: pad 12 → 40, jitter 8 → 32, scale 0.9 → 29 (as the graph rounds), jitter 4 → 25.
    refused(
        "{\"objective\": {\"terms\": [{\"kind\": \"neuron\", \"layer\": \"conv1\", \"channel\": 0, \"x\": 500,"
            + " \"y\": 0}]}, \"size\": 16}",
        "objective.terms[0].x",
        "has 25 rows",
        "25×25 px");
  }

  private static void refused(String body, String field, String... texts) {
    var then =
        given()
            .contentType(ContentType.JSON)
            .body(body)
            .when()
            .post("/visualize")
            .then()
            .statusCode(422)
            .contentType("application/problem+json")
            .body("errors.field", hasItem(field));
    for (String text : texts) {
      then.body("detail", containsString(text));
    }
  }
}
