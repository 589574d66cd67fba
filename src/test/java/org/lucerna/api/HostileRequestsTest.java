package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.HostileModels;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestModels;

/**
 * Requests and models a hostile or careless client brings: a chunked body past the limit, control
 * characters in string fields, models that would write files when loaded, a broken model, and an
 * unforeseen failure. None of the answers carries a path of the server.
 */
@QuarkusTest
class HostileRequestsTest {
  private static final String OK = "\"objective\": \"conv1:0\", \"size\": 16, \"steps\": 1";

  @TestHTTPResource("/visualize")
  URI visualize;

  @AfterEach
  void cancel() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void aChunkedBodyOverTheLimitIs413() throws Exception {
    // 3 MiB in a JSON string, streamed without a Content-Length (Transfer-Encoding: chunked).
    int size = 3 << 20;
    byte[] head = ("{" + OK + ", \"model\": \"").getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
    InputStream body =
        new InputStream() {
          int at;

          @Override
          public int read() {
            int i = at++;
            if (i < head.length) {
              return head[i];
            }
            if (i < head.length + size) {
              return 'a';
            }
            int t = i - head.length - size;
            return t < tail.length ? tail[t] : -1;
          }
        };
    HttpRequest request =
        HttpRequest.newBuilder(visualize)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith(Problem.MEDIA_TYPE),
        response.headers().toString());
    assertTrue(response.body().contains("2097152"), response.body());
  }

  @Test
  void aChunkedBodyUnderTheLimitIsReadAsAnyOther() throws Exception {
    byte[] json = ("{" + OK + "}").getBytes(StandardCharsets.US_ASCII);
    HttpRequest request =
        HttpRequest.newBuilder(visualize)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(json)))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(202, response.statusCode(), response.body());
  }

  @Test
  void controlCharactersInAnyStringFieldAre422NamingTheField() {
    refusedField("{\"objective\": \"conv1\\u0000:0\", \"size\": 16}", "objective", "U+0000");
    refusedField("{" + OK + ", \"model\": \"tiny\\u0007cnn\"}", "model", "U+0007");
    refusedField("{" + OK + ", \"fit\": \"resize\\n\"}", "fit", "U+000A");
    refusedField(
        "{\"objective\": {\"terms\": [{\"kind\": \"channel\", \"layer\": \"conv1\", \"channel\": 0},"
            + " {\"kind\": \"channel\", \"layer\": \"conv1\\u001b:0\", \"channel\": 1}]},"
            + " \"size\": 16, \"steps\": 1}",
        "objective.terms[1].layer",
        "U+001B");
    refusedField(
        "{" + OK + ", \"transforms\": [{\"type\": \"pad\\u0000\", \"width\": 2}]}",
        "transforms[0].type",
        "U+0000");
  }

  private static void refusedField(String body, String field, String character) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/visualize")
        .then()
        .statusCode(422)
        .contentType(Problem.MEDIA_TYPE)
        .body("errors.field", hasItem(field))
        .body("detail", containsString(character));
  }

  @Test
  void hostileModelsAreFailedNamingTheOpAndNothingOfThemRuns() throws IOException {
    Path outside = Files.createTempDirectory("lucerna-hostile");
    Path written = outside.resolve("written.txt");
    Path printed = outside.resolve("printed.txt");
    Path dump = outside.resolve("dump");
    Path root = TestModels.ROOT;
    record Case(String name, String op, String node) {}
    List<Case> cases = new ArrayList<>();
    if (!Files.exists(root.resolve("hostile_write").resolve("1"))) {
      HostileModels.writeFileInInitOp(root.resolve("hostile_write").resolve("1"), written);
      HostileModels.writeFileInAFunction(root.resolve("hostile_fn").resolve("1"), written);
      HostileModels.printV2ToAFile(root.resolve("hostile_print").resolve("1"), printed);
      HostileModels.tfRecordDataset(
          root.resolve("hostile_records").resolve("1"), outside.resolve("in.tfrecord"));
      HostileModels.debugIdentityV2(root.resolve("hostile_debug").resolve("1"), dump);
    }
    cases.add(new Case("hostile_write", "WriteFile", "init_write"));
    cases.add(new Case("hostile_fn", "WriteFile", "write"));
    cases.add(new Case("hostile_print", "PrintV2", "init_print"));
    cases.add(new Case("hostile_records", "TFRecordDataset", "records"));
    cases.add(new Case("hostile_debug", "DebugIdentityV2", "debug"));
    for (Case c : cases) {
      String named = c.op() + " at node '" + c.node() + "'";
      Response submit =
          given()
              .contentType(ContentType.JSON)
              .body("{\"model\": \"" + c.name() + "\", \"objective\": \"out:0\", \"steps\": 1}")
              .post("/visualize");
      submit
          .then()
          .statusCode(422)
          .body("errors.field", hasItem("model"))
          .body("detail", containsString(named));
      noServerPath(submit.asString());
      Response model = given().get("/models/" + c.name());
      model
          .then()
          .statusCode(200)
          .body("versions[0].state", equalTo("FAILED"))
          .body("versions[0].reason", containsString(named));
      noServerPath(model.asString());
      Response load = given().post("/models/" + c.name() + "/load");
      load.then()
          .statusCode(422)
          .body("type", equalTo("urn:lucerna:problem:model-forbidden"))
          .body("detail", containsString(named));
      noServerPath(load.asString());
    }
    noServerPath(given().get("/models").asString());
    assertFalse(Files.exists(written), "a model wrote " + written);
    assertFalse(Files.exists(printed), "a model printed to " + printed);
    assertFalse(Files.exists(dump), "a model dumped tensors to " + dump);
  }

  @Test
  void aBrokenModelsAnswersHoldNoPathOfTheServer() throws IOException {
    Path dir = TestModels.ROOT.resolve("broken_pb").resolve("1");
    Files.createDirectories(dir);
    Files.write(dir.resolve("saved_model.pb"), new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
    Path noVariables = TestModels.ROOT.resolve("no_variables").resolve("1");
    if (!Files.exists(noVariables)) {
      // A real model whose variables folder is gone: TensorFlow's own error names the folder.
      HostileModels.writeFileInInitOp(noVariables, dir.resolve("unused"));
      org.lucerna.testing.HostileModels.clearInitOp(noVariables);
      try (var files = Files.walk(noVariables.resolve("variables"))) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    for (String name : List.of("broken_pb", "no_variables")) {
      Response load = given().post("/models/" + name + "/load");
      load.then().statusCode(422);
      noServerPath(load.asString());
      Response submit =
          given()
              .contentType(ContentType.JSON)
              .body("{\"model\": \"" + name + "\", \"objective\": \"out:0\", \"steps\": 1}")
              .post("/visualize");
      submit.then().statusCode(422).body("errors.field", hasItem("model"));
      noServerPath(submit.asString());
      Response doc = given().get("/models/" + name);
      doc.then().statusCode(200).body("versions[0].state", equalTo("FAILED"));
      noServerPath(doc.asString());
    }
    noServerPath(given().get("/models").asString());
  }

  @Test
  void anUnforeseenFailureIs500WithAnIdThatTheLogHas() {
    List<LogRecord> logged = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            synchronized (logged) {
              logged.add(r);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger log =
        java.util.logging.Logger.getLogger(ProblemMappers.class.getName());
    log.addHandler(handler);
    try {
      Response r = given().get("/test-only/fail");
      r.then()
          .statusCode(500)
          .contentType(Problem.MEDIA_TYPE)
          .body("detail", not(containsString(FailingForTests.SECRET)))
          .body("detail", not(containsString("IllegalStateException")))
          .body("detail", not(containsString("Exception")));
      String body = r.asString();
      assertFalse(body.contains("FailingForTests"), body);
      assertFalse(body.contains("\tat "), body);
      Matcher id = Pattern.compile("error id ([0-9a-f]{12})").matcher(body);
      assertTrue(id.find(), body);
      synchronized (logged) {
        assertTrue(
            logged.stream()
                .anyMatch(
                    l ->
                        formatted(l).contains(id.group(1))
                            && l.getThrown() != null
                            && l.getThrown().getMessage().contains(FailingForTests.SECRET)),
            "no log line with id " + id.group(1));
      }
    } finally {
      log.removeHandler(handler);
    }
  }

  private static String formatted(LogRecord r) {
    Object[] params = r.getParameters();
    String m = r.getMessage();
    if (params != null) {
      for (Object p : params) {
        m = m + " " + p;
      }
    }
    return m;
  }

  /**
   * No absolute path of this machine: the repository's, the working folder's, the temp folder's.
   */
  static void noServerPath(String body) {
    for (String path :
        List.of(
            TestModels.ROOT.toString(),
            TestModels.ROOT.getParent().getParent().toString(),
            System.getProperty("java.io.tmpdir"),
            FailingForTests.SECRET)) {
      assertFalse(body.contains(path), "the answer holds " + path + ": " + body);
    }
    assertFalse(body.matches("(?s).*\\b(java|org|io)\\.[a-z.]+[A-Z]\\w*Exception.*"), body);
  }
}
