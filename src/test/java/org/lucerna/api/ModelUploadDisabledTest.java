package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestModels;

/** Without {@code lucerna.admin.api-key}, as the test profile runs: uploads and deletes are off. */
@QuarkusTest
class ModelUploadDisabledTest {

  @Test
  void withNoKeyConfiguredUploadsAndDeletesAre403NamingTheSetting() throws IOException {
    byte[] zip = Files.readAllBytes(ModelUploadTest.POTATO_ZIP);
    given()
        .header("Authorization", "Bearer anything")
        .body(zip)
        .put("/models/potato_disabled/versions/1")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("lucerna.admin.api-key"))
        .body("detail", containsString("LUCERNA_ADMIN_API_KEY"));
    given().get("/models/potato_disabled").then().statusCode(404);
    given()
        .header("Authorization", "Bearer anything")
        .delete("/models/tiny_cnn/versions/1")
        .then()
        .statusCode(403)
        .body("detail", containsString("lucerna.admin.api-key"));
    assertTrue(Files.exists(TestModels.ROOT.resolve("tiny_cnn/1/saved_model.pb")));
    // Loading and unloading stay open.
    given().post("/models/tiny_cnn/load").then().statusCode(200);
  }
}
