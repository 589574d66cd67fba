package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The request's {@code input}: each wrong form is a 422 naming the field inside it, with its own
 * text.
 */
@QuarkusTest
class RequestInputTest {

  @Test
  void eachWrongFormNamesItsField() {
    refused(
        "5",
        "input",
        "must be an object such as {\"valueRange\": [-1, 1], \"channelOrder\": \"RGB\"}");
    refused(
        "[1, 2]",
        "input",
        "must be an object such as {\"valueRange\": [-1, 1], \"channelOrder\": \"RGB\"}");
    refused(
        "{\"valueRange\": [0, 1], \"scale\": 2}",
        "input.scale",
        "is not a known field; known: [channelOrder, valueRange]");
    refused("{\"valueRange\": [1]}", "input.valueRange", "must be two numbers [min, max]");
    refused("{\"valueRange\": [0, \"1\"]}", "input.valueRange", "must be two numbers [min, max]");
    refused("{\"valueRange\": [0, 1, 2]}", "input.valueRange", "must be two numbers [min, max]");
    refused("{\"valueRange\": {\"min\": 0}}", "input.valueRange", "must be two numbers [min, max]");
    refused("{\"channelOrder\": \"RGBA\"}", "input.channelOrder", "must be \"RGB\" or \"BGR\"");
    refused("{\"channelOrder\": 3}", "input.channelOrder", "must be \"RGB\" or \"BGR\"");
    refused(
        "{\"valueRange\": [1, -1]}",
        "input.valueRange",
        "the value range must be two finite numbers, the first smaller, got [1.0, -1.0]");
  }

  @Test
  void anUnknownFieldIsReportedBeforeAWrongValue() {
    refused(
        "{\"valueRange\": [1], \"channelOrder\": \"x\", \"scale\": 2}",
        "input.scale",
        "is not a known field; known: [channelOrder, valueRange]");
    refused(
        "{\"channelOrder\": \"x\", \"valueRange\": [1]}",
        "input.valueRange",
        "must be two numbers [min, max]");
  }

  private static void refused(String input, String field, String detail) {
    given()
        .contentType(ContentType.JSON)
        .body("{\"objective\": \"conv1:0\", \"size\": 16, \"steps\": 1, \"input\": " + input + "}")
        .post("/visualize")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", equalTo(detail))
        .body("errors.field", contains(field))
        .body("errors.message", contains(detail));
  }
}
