package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OpenApiTest {

  @Test
  void theDocumentListsTheJobEndpoints() {
    given().accept("application/json").get("/q/openapi").then().statusCode(200)
        .body("info.title", equalTo("Lucerna"))
        .body("info.version", notNullValue())
        .body("paths.'/visualize'.post", notNullValue())
        .body("paths.'/jobs/{id}'.get", notNullValue())
        .body("paths.'/jobs/{id}/image'.get", notNullValue());
  }

  @Test
  void swaggerUiIsServed() {
    given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
  }
}
