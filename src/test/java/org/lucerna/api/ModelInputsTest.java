package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.IteratorInputModel;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestModels;
import org.lucerna.testing.TestPngs;

/**
 * Models whose input or layer names used to end in a failed job or a refusal: an input of free
 * channel count ({@code IteratorGetNext [-1, 32, 64, -1]}), and the real Teachable Machine model
 * whose layers are named {@code sequential_1/model1/...}.
 */
@QuarkusTest
class ModelInputsTest {
  private static final String ITERATOR = "iterator_input";
  private static final String FLAT = "iterator_input_flat";
  private static final String TEACHABLE = "teachable_mask";
  private static final String XCEPTION_H5 = "tiny_xception_h5";
  private static final String POTATO_KERAS = "potato_keras3";

  @BeforeAll
  static void models() throws IOException {
    if (!Files.exists(TestModels.ROOT.resolve(ITERATOR).resolve("1"))) {
      IteratorInputModel.write(TestModels.ROOT.resolve(ITERATOR).resolve("1"), true);
    }
    if (!Files.exists(TestModels.ROOT.resolve(FLAT).resolve("1"))) {
      IteratorInputModel.write(TestModels.ROOT.resolve(FLAT).resolve("1"), false);
    }
    Path h5 = TestModels.ROOT.resolve(XCEPTION_H5).resolve("1");
    if (!Files.exists(h5)) {
      Files.createDirectories(h5);
      Files.copy(
          Path.of(
              "src", "test", "resources", "models", "keras_xception", "tiny_XCEPTION_KDEF.hdf5"),
          h5.resolve("tiny_XCEPTION_KDEF.hdf5"));
    }
    Path keras = TestModels.ROOT.resolve(POTATO_KERAS).resolve("1");
    if (!Files.exists(keras)) {
      Files.createDirectories(keras);
      Files.copy(
          Path.of("src", "test", "resources", "models", "keras3_potato", "plantguard_potato.keras"),
          keras.resolve("plantguard_potato.keras"));
      Files.writeString(keras.resolve("lucerna-model.json"), "{\"valueRange\": [0, 255]}");
    }
    Path teachable = TestModels.ROOT.resolve(TEACHABLE).resolve("1");
    if (!Files.exists(teachable)) {
      Path from = Path.of("src", "test", "resources", "models", TEACHABLE);
      Files.createDirectories(teachable);
      try (Stream<Path> files = Files.list(from)) {
        for (Path f : files.toList()) {
          Files.copy(f, teachable.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      // Teachable Machine's image models read pixels / 127.5 - 1.
      Files.writeString(teachable.resolve("lucerna-model.json"), "{\"valueRange\": [-1, 1]}");
    }
  }

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void theIteratorGetNextModelRendersWithTheChannelsOfItsFirstConvolution() throws Exception {
    given().post("/models/" + ITERATOR + "/load").then().statusCode(200);
    given()
        .get("/models/" + ITERATOR)
        .then()
        .statusCode(200)
        .body("input.shape", equalTo(java.util.List.of(-1, 32, 64, 3)));
    String id =
        VisualizeResourceTest.submit(
            "{\"model\": \""
                + ITERATOR
                + "\", \"objective\": \"stem/conv:2\", \"height\": 32, \"width\": 64,"
                + " \"steps\": 5, \"seed\": 1}");
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
    BufferedImage png = TestPngs.decode(VisualizeResourceTest.image(id));
    assertEquals(64, png.getWidth());
    assertEquals(32, png.getHeight());
  }

  @Test
  void aModelThatCannotRenderIsRefusedAtSubmitNamingItAndWhy() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"model\": \"" + FLAT + "\", \"objective\": \"stem/act:0\", \"steps\": 1}")
        .when()
        .post("/visualize")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("model"))
        .body("errors[0].message", allOf(containsString(FLAT), containsString("inputChannels")));
  }

  @Test
  void aShortNameThatSeveralLayersEndWithIsRefusedListingThem() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"model\": \"" + ITERATOR + "\", \"objective\": \"conv:0\", \"steps\": 1}")
        .when()
        .post("/visualize")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("objective"))
        .body(
            "errors[0].message", allOf(containsString("stem/conv"), containsString("block/conv")));
  }

  @Test
  void aShortLayerNameOfTheTeachableMachineModelResolvesAndTheJobShowsTheFullName()
      throws Exception {
    String id =
        given()
            .contentType(ContentType.JSON)
            .body(
                "{\"model\": \""
                    + TEACHABLE
                    + "\", \"objective\": \"block_3_expand_relu:5\", \"size\": 96,"
                    + " \"steps\": 5, \"seed\": 1}")
            .when()
            .post("/visualize")
            .then()
            .statusCode(202)
            .body(
                "request.objective.terms[0].layer",
                equalTo("sequential_1/model1/block_3_expand_relu"))
            .extract()
            .path("id");
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
    BufferedImage png = TestPngs.decode(VisualizeResourceTest.image(id));
    assertEquals(96, png.getWidth());
  }

  @Test
  void aKerasH5FileRendersAChannelOfAnInnerLayer() throws Exception {
    String id =
        VisualizeResourceTest.submit(
            "{\"model\": \""
                + XCEPTION_H5
                + "\", \"objective\": \"activation_3:1\", \"size\": 64, \"steps\": 5,"
                + " \"seed\": 1}");
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
    BufferedImage png = TestPngs.decode(VisualizeResourceTest.image(id));
    assertEquals(64, png.getWidth());
  }

  @Test
  void aKeras3FileRendersAChannelOfAnInnerLayer() throws Exception {
    String id =
        VisualizeResourceTest.submit(
            "{\"model\": \""
                + POTATO_KERAS
                + "\", \"objective\": \"conv2d_2:27\", \"size\": 256, \"steps\": 3,"
                + " \"seed\": 1}");
    VisualizeResourceTest.awaitFinished(id).then().body("status", equalTo("SUCCEEDED"));
    BufferedImage png = TestPngs.decode(VisualizeResourceTest.image(id));
    assertEquals(256, png.getWidth());
  }
}
