package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lucerna.model.ModelUploads;
import org.lucerna.testing.HostileModels;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestModels;
import org.lucerna.testing.TestPngs;

/**
 * Models uploaded over HTTP with the admin key: a real TF2 Keras SavedModel that no other test
 * loads (penscola's potato-leaf CNN, MIT), zipped as its author's folder, renders a channel of an
 * inner layer; without the key nothing is read; archives whose entries climb out of the folder,
 * bombs, hostile graphs and strangers are refused and leave nothing behind, inside the repository
 * or outside it.
 */
@QuarkusTest
@TestProfile(ModelUploadTest.WithAdminKey.class)
class ModelUploadTest {
  static final String KEY = "test-admin-key-" + "0f3a9c";
  static final String NAME = "potato_upload";
  static final Path POTATO_ZIP =
      Path.of("src", "test", "resources", "models", "keras_potato_savedmodel")
          .resolve("potato_savedmodel.zip");
  static final long MAX_UPLOAD = 3 << 20;

  /** The admin key set, and bounds small enough to pass with test files. */
  public static class WithAdminKey implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "lucerna.admin.api-key",
          KEY,
          "lucerna.models.max-upload-bytes",
          Long.toString(MAX_UPLOAD),
          "lucerna.models.max-upload-files",
          "32",
          "lucerna.models.max-unpacked-bytes",
          Long.toString(3 << 20));
    }
  }

  @TestHTTPResource("/")
  URI base;

  @BeforeAll
  static void noLeftovers() throws IOException {
    for (String name :
        List.of(
            NAME, "slip", "hostile_upload", "not_a_model", "big", "h5_upload", "keras_upload")) {
      deleteTree(TestModels.ROOT.resolve(name));
    }
  }

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  private static RequestSpecification admin() {
    return given().header("Authorization", "Bearer " + KEY);
  }

  @Test
  void aTf2KerasSavedModelZipUploadedWithTheKeyRendersAChannelOfAnInnerLayer() throws Exception {
    byte[] zip = Files.readAllBytes(POTATO_ZIP);
    given()
        .body(zip)
        .contentType("application/zip")
        .put("/models/" + NAME + "/versions/1")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("detail", containsString("lucerna.admin.api-key"));
    given()
        .header("Authorization", "Bearer not-the-key")
        .body(zip)
        .put("/models/" + NAME + "/versions/1")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("invalid_token"));
    given().get("/models/" + NAME).then().statusCode(404);
    assertNothingStaged();

    admin()
        .body(zip)
        .contentType("application/zip")
        .put("/models/" + NAME + "/versions/1")
        .then()
        .statusCode(201)
        .header("Location", containsString("/models/" + NAME + "?version=1"))
        .body("format", equalTo("SavedModel"))
        .body("archive", equalTo("zip"))
        .body("files", equalTo(5))
        .body("input.shape", equalTo(List.of(-1, 256, 256, 3)))
        .body("layers", greaterThan(5));
    assertNothingStaged();
    given()
        .get("/models/" + NAME + "/layers")
        .then()
        .statusCode(200)
        .body("layers.name", hasItem("conv2d_8"));

    String id =
        VisualizeResourceTest.submit(
            "{\"model\": \""
                + NAME
                + "\", \"objective\": \"conv2d_8:3\", \"size\": 64, \"steps\": 5, \"seed\": 1}");
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
    BufferedImage png = TestPngs.decode(VisualizeResourceTest.image(id));
    assertEquals(64, png.getWidth());

    admin()
        .body(zip)
        .put("/models/" + NAME + "/versions/1")
        .then()
        .statusCode(409)
        .body("detail", containsString("version 1 already"));

    given().delete("/models/" + NAME + "/versions/1").then().statusCode(401);
    admin().delete("/models/" + NAME + "/versions/1").then().statusCode(204);
    given().get("/models/" + NAME).then().statusCode(404);
    assertFalse(Files.exists(TestModels.ROOT.resolve(NAME)));
    admin().delete("/models/" + NAME + "/versions/1").then().statusCode(404);
  }

  @Test
  void singleKerasH5AndKerasFilesAreToldApartByTheirBytesAndImported() throws IOException {
    byte[] h5 =
        Files.readAllBytes(
            Path.of("src", "test", "resources", "models", "keras_xception")
                .resolve("tiny_XCEPTION_KDEF.hdf5"));
    admin()
        .contentType("application/octet-stream")
        .body(h5)
        .put("/models/h5_upload/versions/2")
        .then()
        .statusCode(201)
        .body("archive", equalTo("h5"))
        .body("format", containsString(".h5"))
        .body("input.shape", equalTo(List.of(-1, 64, 64, 1)));
    assertTrue(Files.isRegularFile(TestModels.ROOT.resolve("h5_upload/2/saved_model.pb")));
    given()
        .get("/models/h5_upload/layers?version=2")
        .then()
        .statusCode(200)
        .body("layers.name", hasItem("activation_3"));
    admin().delete("/models/h5_upload/versions/2").then().statusCode(204);
    assertFalse(Files.exists(TestModels.ROOT.resolve("h5_upload")));

    // A Keras 3 .keras file is a zip too: its config.json and model.weights.h5 tell it apart.
    byte[] keras =
        Files.readAllBytes(
            Path.of("src", "test", "resources", "models", "keras3_potato")
                .resolve("plantguard_potato.keras"));
    admin()
        .body(keras)
        .put("/models/keras_upload/versions/1")
        .then()
        .statusCode(201)
        .body("archive", equalTo("keras"))
        .body("format", containsString(".keras"))
        .body("input.shape", equalTo(List.of(-1, 256, 256, 3)));
    admin().delete("/models/keras_upload/versions/1").then().statusCode(204);
    assertNothingStaged();
  }

  @Test
  void archivesWhoseEntriesClimbOutOfTheFolderAreRefusedAndNothingIsWrittenOutside()
      throws IOException {
    String escaped = "escaped-" + UUID.randomUUID();
    Path absolute = Path.of(System.getProperty("java.io.tmpdir"), escaped);
    List<Path> outside =
        List.of(
            TestModels.ROOT.resolve(escaped),
            TestModels.ROOT.getParent().resolve(escaped),
            TestModels.ROOT.resolve(ModelUploads.STAGING).resolve(escaped),
            absolute);
    byte[] pb = Files.readAllBytes(TestModels.ROOT.resolve("tiny_cnn/1/saved_model.pb"));
    // What the refusal says, and the archive.
    List<Map.Entry<String, byte[]>> archives =
        List.of(
            Map.entry("'..'", zip(entries("saved_model.pb", pb, "../../" + escaped, pb))),
            Map.entry(
                "'..'", zip(entries("saved_model.pb", pb, "variables/../../../" + escaped, pb))),
            Map.entry("absolute", zip(entries("saved_model.pb", pb, absolute.toString(), pb))),
            Map.entry("symbolic link", zip(entries("variables", null, "variables/x", pb))),
            Map.entry("link", tarGzWithSymlink("variables", "../../" + escaped)));
    for (Map.Entry<String, byte[]> a : archives) {
      admin()
          .body(a.getValue())
          .put("/models/slip/versions/1")
          .then()
          .statusCode(422)
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo("body"))
          .body("errors[0].message", containsString(a.getKey()));
      for (Path p : outside) {
        assertFalse(Files.exists(p), p + " was written");
      }
      given().get("/models/slip").then().statusCode(404);
      assertNothingStaged();
    }
  }

  @Test
  void boundsStrangersAndHostileModelsAreRefusedAndLeaveNothing() throws Exception {
    Map<String, byte[]> many = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      many.put("group1-shard" + i + ".bin", new byte[] {1});
    }
    admin()
        .body(zip(many))
        .put("/models/big/versions/1")
        .then()
        .statusCode(422)
        .body("detail", containsString("lucerna.models.max-upload-files"));
    byte[] bomb = zip(entries("variables/variables.data-00000-of-00001", new byte[8 << 20]));
    admin()
        .body(bomb)
        .put("/models/big/versions/1")
        .then()
        .statusCode(422)
        .body("detail", containsString("lucerna.models.max-unpacked-bytes"));
    admin()
        .body("{\"a\": \"json body\"}".getBytes(StandardCharsets.UTF_8))
        .put("/models/big/versions/1")
        .then()
        .statusCode(415)
        .body("detail", containsString("zip"));
    admin()
        .body(zip(entries("README.txt", "hello".getBytes(StandardCharsets.UTF_8))))
        .put("/models/not_a_model/versions/1")
        .then()
        .statusCode(422)
        .body("detail", containsString("saved_model.pb"));
    admin().body(new byte[] {1}).put("/models/big/versions/0").then().statusCode(400);
    admin()
        .body(new byte[] {1})
        .put("/models/big/versions/latest")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("version"));
    admin()
        .body(new byte[] {1})
        .put("/models/.uploads/versions/1")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("name"));

    // A SavedModel whose init op would write a file: refused before TensorFlow loads it.
    Path hostile = Files.createTempDirectory("hostile");
    Path target = hostile.resolveSibling("written-by-" + UUID.randomUUID());
    HostileModels.writeFileInInitOp(hostile.resolve("m"), target);
    admin()
        .body(zipFolder(hostile.resolve("m")))
        .put("/models/hostile_upload/versions/1")
        .then()
        .statusCode(422)
        .body("type", equalTo("urn:lucerna:problem:model-forbidden"))
        .body("detail", allOf(containsString("WriteFile"), containsString("hostile_upload")));
    assertFalse(Files.exists(target));
    given().get("/models/hostile_upload").then().statusCode(404);
    deleteTree(hostile);

    // Over max-upload-bytes by the declared length: refused before the body is sent.
    byte[] large = new byte[(int) MAX_UPLOAD + 1];
    new Random(1).nextBytes(large);
    RawResponse declared = rawPut("/models/big/versions/1", large, false);
    assertFalse(declared.continued(), "the server asked for a body it refuses");
    assertEquals(413, declared.status(), declared.body());
    assertTrue(declared.body().contains("lucerna.models.max-upload-bytes"), declared.body());
    // Without a length (chunked): read up to the bound, then cut.
    RawResponse chunked = rawPut("/models/big/versions/1", large, true);
    assertTrue(chunked.continued());
    assertEquals(413, chunked.status(), chunked.body());
    assertTrue(chunked.body().contains("lucerna.models.max-upload-bytes"), chunked.body());
    given().get("/models/big").then().statusCode(404);
    assertNothingStaged();
  }

  /** What a PUT sent by hand got: whether it was asked for its body, the final status, the body. */
  record RawResponse(boolean continued, int status, String body) {}

  /**
   * A PUT with {@code Expect: 100-continue} written on a socket, as curl sends a large body: the
   * body follows only if the server answers 100 (then on a thread of its own, so that an answer
   * that comes before the body is all sent is read, not lost to a reset).
   */
  RawResponse rawPut(String path, byte[] body, boolean chunked) throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String head =
          "PUT "
              + path
              + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
              + KEY
              + "\r\nExpect: 100-continue\r\n"
              + (chunked
                  ? "Transfer-Encoding: chunked\r\n"
                  : "Content-Length: " + body.length + "\r\n")
              + "\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Map<String, String> headers = new java.util.HashMap<>();
      int status = readHead(in, headers);
      boolean continued = status == 100;
      Thread sender = null;
      if (continued) {
        sender =
            new Thread(
                () -> {
                  try {
                    int chunk = 1 << 16;
                    for (int off = 0; off < body.length; off += chunk) {
                      int n = Math.min(chunk, body.length - off);
                      if (chunked) {
                        out.write(
                            (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                      }
                      out.write(body, off, n);
                      if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                      }
                    }
                    if (chunked) {
                      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                  } catch (IOException e) {
                    // the server stopped reading: its answer says why
                  }
                });
        sender.start();
        headers.clear();
        status = readHead(in, headers);
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      String text = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      if (sender != null) {
        sender.join(60_000);
      }
      return new RawResponse(continued, status, text);
    }
  }

  /** Reads a status line and headers (names in lower case); returns the status. */
  private static int readHead(InputStream in, Map<String, String> headers) throws IOException {
    String statusLine = readLine(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    String line;
    while (!(line = readLine(in)).isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    return status;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    if (c == -1 && b.length() == 0) {
      throw new IOException("the connection closed before an answer");
    }
    return b.toString();
  }

  /** The staging folder holds nothing once an upload has been answered. */
  static void assertNothingStaged() throws IOException {
    Path staging = TestModels.ROOT.resolve(ModelUploads.STAGING);
    if (Files.isDirectory(staging)) {
      try (Stream<Path> left = Files.list(staging)) {
        assertEquals(List.of(), left.toList(), "left in " + staging);
      }
    }
  }

  static Map<String, byte[]> entries(Object... nameThenContent) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenContent.length; i += 2) {
      m.put((String) nameThenContent[i], (byte[]) nameThenContent[i + 1]);
    }
    return m;
  }

  /** A zip of the entries in order; a null content makes the entry a symbolic link to /etc. */
  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
        byte[] content = e.getValue();
        if (content == null) {
          entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
          content = "/etc".getBytes(StandardCharsets.UTF_8);
        }
        zip.putArchiveEntry(entry);
        zip.write(content);
        zip.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  static byte[] zipFolder(Path dir) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        m.put(dir.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return zip(m);
  }

  static byte[] tarGzWithSymlink(String name, String linkTarget) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      TarArchiveEntry link = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      link.setLinkName(linkTarget);
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      TarArchiveEntry file = new TarArchiveEntry(name + "/evil");
      file.setSize(4);
      tar.putArchiveEntry(file);
      tar.write("evil".getBytes(StandardCharsets.UTF_8));
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
