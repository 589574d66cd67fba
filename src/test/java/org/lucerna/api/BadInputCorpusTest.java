package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that must be refused: each gets a 4xx problem document, never a 5xx, and the service
 * answers correctly afterwards.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCorpusTest {
  private static final String OK = "\"objective\": \"conv1:0\", \"size\": 16, \"steps\": 1";

  static Stream<Arguments> corpus() {
    return Stream.of(
        post("{"),
        post("not json at all"),
        post("[]"),
        post("null"),
        post("\"conv1:0\""),
        post("{\"objective\": \"conv1:0\",}"),
        post("{\"objective\": 5}"),
        post("{\"objective\": true}"),
        post("{\"objective\": []}"),
        post("{\"objective\": \"\"}"),
        post("{\"objective\": \"conv1\"}"),
        post("{\"objective\": \"conv1:x\"}"),
        post("{\"objective\": \"conv1:-1\"}"),
        post("{\"objective\": \"conv1:16\"}"),
        post("{\"objective\": \"conv1:99999999999\"}"),
        post("{\"objective\": \"nolayer:0\"}"),
        post("{\"objective\": \"../../etc/passwd:0\"}"),
        post("{\"objective\": {\"terms\": []}}"),
        post("{\"objective\": {\"terms\": \"x\"}}"),
        post("{\"objective\": {\"terms\": [{\"kind\": \"channel\"}]}}"),
        post(
            "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv1\", \"channel\": 1.5}]}}"),
        post(
            "{\"objective\": {\"terms\": [{\"kind\": \"direction\", \"layer\": \"conv1\", \"vector\": [1, 2]}]}}"),
        post(
            "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv1\", \"channel\": 0, \"weight\": \"big\"}]}}"),
        post(
            "{\"objective\": {\"terms\": [{\"kind\": \"alignment\", \"layer\": \"conv1\", \"decay\": -1}]}}"),
        post("{\"objective\": {\"other\": 1}}"),
        post("{" + OK + ", \"size\": 5000}"),
        post("{" + OK + ", \"size\": 2}"),
        post("{" + OK + ", \"size\": \"big\"}"),
        post("{" + OK + ", \"height\": 5000}"),
        post("{" + OK + ", \"height\": 7}"),
        post("{" + OK + ", \"height\": -16}"),
        post("{" + OK + ", \"width\": 1025}"),
        post("{" + OK + ", \"width\": 0}"),
        post("{" + OK + ", \"width\": 12.5}"),
        post("{" + OK + ", \"width\": \"wide\"}"),
        post(
            "{"
                + OK
                + ", \"height\": 8, \"width\": 8, \"transforms\": [{\"type\": \"jitter\", \"pixels\": 8}]}"),
        post("{" + OK + ", \"startImage\": \"\"}"),
        post("{" + OK + ", \"startImage\": \"not base64 !!\"}"),
        post("{" + OK + ", \"startImage\": \"aGVsbG8gd29ybGQ=\"}"),
        post("{" + OK + ", \"startImage\": \"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"}"),
        post("{" + OK + ", \"startImage\": \"data:image/png,iVBORw0KGgo=\"}"),
        post("{" + OK + ", \"startImage\": \"iVBORw0KGgo=\"}"),
        post("{" + OK + ", \"startImage\": {\"sha256\": \"00\"}}"),
        post("{" + OK + ", \"startImage\": 5}"),
        post(
            "{\"objective\": {\"terms\": [{\"kind\": \"neuron\", \"layer\": \"conv1\", \"channel\": 0, \"x\": 500, \"y\": 0}]},"
                + " \"size\": 16}"),
        post(
            "{\"objective\": {\"terms\": [{\"kind\": \"neuron\", \"layer\": \"conv3\", \"channel\": 0, \"x\": 0, \"y\": 99}]},"
                + " \"height\": 64, \"width\": 16}"),
        post("{" + OK + ", \"steps\": 0}"),
        post("{" + OK + ", \"steps\": 1000000}"),
        post("{" + OK + ", \"steps\": 1.5}"),
        post("{" + OK + ", \"batch\": 0}"),
        post("{" + OK + ", \"batch\": 1000}"),
        post("{" + OK + ", \"seed\": \"abc\"}"),
        post("{" + OK + ", \"snapshots\": [0]}"),
        post("{" + OK + ", \"snapshots\": [5]}"),
        post("{" + OK + ", \"snapshots\": \"all\"}"),
        post("{" + OK + ", \"optimizer\": {\"type\": \"sgd\"}}"),
        post("{" + OK + ", \"optimizer\": {\"learningRate\": -1}}"),
        post("{" + OK + ", \"optimizer\": {\"learningRate\": 1e9}}"),
        post("{" + OK + ", \"model\": \"../../etc\"}"),
        post("{" + OK + ", \"model\": \"no_such_model\"}"),
        post("{" + OK + ", \"model\": \"" + "m".repeat(300) + "\"}"),
        post("{" + OK + ", \"version\": 0}"),
        post("{" + OK + ", \"version\": 42}"),
        post("{" + OK + ", \"param\": {\"type\": \"wavelet\"}}"),
        post("{" + OK + ", \"param\": {\"decay\": 1000}}"),
        post("{" + OK + ", \"transforms\": \"fancy\"}"),
        post("{" + OK + ", \"transforms\": [{\"type\": \"jitter\", \"pixels\": 100}]}"),
        post("{" + OK + ", \"transforms\": [{\"type\": \"shear\"}]}"),
        post("{" + OK + ", \"fit\": \"stretch\"}"),
        post("{" + OK + ", \"unknown\": 1}"),
        Arguments.of("GET", "/jobs/not-an-id", null),
        Arguments.of("GET", "/jobs/..%2F..%2Fetc%2Fpasswd", null),
        Arguments.of("GET", "/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV/image", null),
        Arguments.of("POST", "/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel", null),
        Arguments.of("DELETE", "/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV", null),
        Arguments.of("GET", "/jobs?limit=-3", null),
        Arguments.of("GET", "/jobs?after=../x", null),
        Arguments.of("GET", "/models/..%2F..%2Fetc", null),
        Arguments.of("GET", "/models/no_such_model/layers", null));
  }

  private static Arguments post(String body) {
    return Arguments.of("POST", "/visualize", body);
  }

  @ParameterizedTest
  @Order(1)
  @MethodSource("corpus")
  void isRefusedWithAProblemDocument(String method, String path, String body) {
    var request = given().urlEncodingEnabled(false);
    if (body != null) {
      request = request.contentType("application/json").body(body);
    }
    Response r = request.request(method, path);
    r.then()
        .statusCode(allOf(greaterThanOrEqualTo(400), lessThan(500)))
        .contentType("application/problem+json")
        .body("status", equalTo(r.statusCode()));
  }

  @Test
  @Order(2)
  void afterwardsTheServiceStillAnswersCorrectly() throws Exception {
    String id = VisualizeResourceTest.submit("{" + OK + ", \"seed\": 1234}");
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
  }
}
