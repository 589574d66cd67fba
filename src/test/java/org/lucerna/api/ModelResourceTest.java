package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestModels;

@QuarkusTest
class ModelResourceTest {
  /** The repository is read at each request: models copied in now are found without a restart. */
  @BeforeAll
  static void copySharedModels() throws IOException {
    TestModels.copyShared("cifar10_cnn", TestModels.ROOT.resolve("cifar10_cnn").resolve("1"));
    TestModels.copyShared(
        "mnist_softmax_tf1", TestModels.ROOT.resolve("mnist_no_tag").resolve("1"));
  }

  @Test
  void theListHoldsEveryModelOfTheRepository() {
    given()
        .get("/models")
        .then()
        .statusCode(200)
        .body("models.name", hasItems("cifar10_cnn", "tiny_cnn"))
        .body("models.find { it.name == 'cifar10_cnn' }.versions", equalTo(java.util.List.of(1)))
        .body("models.find { it.name == 'cifar10_cnn' }.servedVersion", equalTo(1));
  }

  @Test
  void layersCarryTheirKerasNamesOpsShapesAndChannels() {
    given()
        .get("/models/cifar10_cnn/layers")
        .then()
        .statusCode(200)
        .body("model", equalTo("cifar10_cnn"))
        .body("version", equalTo(1))
        .body("layers.name", hasItems("conv2d", "conv2d_1", "conv2d_2", "dense", "dense_1"))
        .body("layers.find { it.name == 'conv2d_1' }.channels", equalTo(64))
        .body("layers.find { it.name == 'conv2d_1' }.opType", equalTo("Relu"))
        .body(
            "layers.find { it.name == 'conv2d_1' }.shape",
            equalTo(java.util.List.of(-1, 13, 13, 64)))
        .body("layers.find { it.name == 'dense_1' }.spatial", equalTo(false));
  }

  @Test
  void aLoadedModelShowsItsStateInputAndDefaultMetadata() {
    given().post("/models/cifar10_cnn/load").then().statusCode(200);
    given()
        .get("/models/cifar10_cnn")
        .then()
        .statusCode(200)
        .body("servedVersion", equalTo(1))
        .body("versions[0].state", equalTo("AVAILABLE"))
        .body("input.name", equalTo("serving_default_conv2d_input"))
        .body("input.dtype", equalTo("float"))
        .body("input.shape", equalTo(java.util.List.of(-1, 32, 32, 3)))
        .body("input.channels", equalTo(3))
        .body("input.dynamicSize", equalTo(false))
        .body("metadata.valueRange", equalTo(java.util.List.of(0.0f, 1.0f)))
        .body("metadata.channelOrder", equalTo("RGB"))
        .body("links.layers", equalTo("/models/cifar10_cnn/layers"));
  }

  @Test
  void aModelThatCannotLoadIsFailedWithTheReason() {
    given()
        .post("/models/mnist_no_tag/load")
        .then()
        .statusCode(422)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo("urn:lucerna:problem:model-unusable"))
        .body("detail", containsString("'tags'"));
    given()
        .get("/models/mnist_no_tag")
        .then()
        .statusCode(200)
        .body("versions[0].state", equalTo("FAILED"))
        .body("versions[0].reason", containsString("[[tag]]"));
  }

  @Test
  void anUnknownModelIs404NamingTheModelsThereAre() {
    given()
        .get("/models/no_such_model")
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("status", equalTo(404))
        .body("detail", containsString("cifar10_cnn"));
    given()
        .get("/models/cifar10_cnn?version=7")
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("versions: [1]"));
  }

  @Test
  void aNameThatWouldLeaveTheRepositoryIsRefused() {
    for (String name : new String[] {"...", ".prepared", "a..b", "%2E%2E%2F%2E%2E%2Fetc"}) {
      given()
          .urlEncodingEnabled(false)
          .get("/models/" + name + "/layers")
          .then()
          .statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(404)))
          .contentType(Problem.MEDIA_TYPE)
          .body("detail", notNullValue());
    }
    given().get("/models/a..b").then().statusCode(400).body("errors.field", hasItem("name"));
  }
}
