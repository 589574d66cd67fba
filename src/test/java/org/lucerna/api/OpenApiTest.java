package org.lucerna.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OpenApiTest {
  /** {@code GET /jobs/{id}} in the README's prose and tables. */
  private static final Pattern MENTION = Pattern.compile("\\b(GET|POST|DELETE) (/[^\\s`|?]*)");

  /**
   * A curl command of the README's examples, up to its URL's path; the README names POST with -X.
   */
  private static final Pattern CURL =
      Pattern.compile("curl\\b([^\\n]*?)localhost:8080(/[^\\s'\"?]*)");

  private static final Pattern METHOD = Pattern.compile("-X (\\w+)");

  @Test
  void theDocumentListsTheJobEndpoints() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("info.title", equalTo("Lucerna"))
        .body("info.version", notNullValue())
        .body("paths.'/visualize'.post", notNullValue())
        .body("paths.'/jobs/{id}'.get", notNullValue())
        .body("paths.'/jobs/{id}/image'.get", notNullValue())
        // The drawing's scale, documented once with its bounds, beside what the resource says.
        .body(
            "paths.'/jobs/{id}/image'.get.parameters.findAll { it.name == 'scale' }.size()",
            equalTo(1))
        .body(
            "paths.'/jobs/{id}/image'.get.parameters.find { it.name == 'scale' }.schema.maximum",
            equalTo(8))
        .body("paths.'/jobs/{id}/image'.get.parameters.find { it.name == 'batch' }", notNullValue())
        .body("paths.'/jobs/{id}/image'.get.responses.'422'", notNullValue())
        .body("paths.'/jobs/{id}/image'.get.responses.'200'", notNullValue())
        .body("components.schemas.ObjectiveCurve.type", equalTo("array"))
        .body(
            "components.schemas.ProgressView.properties.curve.'$ref'",
            equalTo("#/components/schemas/ObjectiveCurve"));
  }

  /**
   * Each "METHOD /path" and each curl example of the README (but Quarkus' own /q/ pages) is in the
   * document.
   */
  @Test
  void theDocumentListsEveryEndpointOfTheReadme() throws IOException {
    Map<String, Map<String, Object>> paths =
        given()
            .accept("application/json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("paths");
    Set<String> endpoints = readmeEndpoints(Files.readString(Path.of("README.md")));
    assertTrue(endpoints.size() >= 12, "the README's endpoints were not found: " + endpoints);
    List<String> missing = new ArrayList<>();
    for (String endpoint : endpoints) {
      String method = endpoint.substring(0, endpoint.indexOf(' '));
      String path = endpoint.substring(endpoint.indexOf(' ') + 1);
      boolean listed =
          paths.entrySet().stream()
              .anyMatch(
                  p ->
                      template(p.getKey()).matcher(path).matches()
                          && p.getValue().containsKey(method.toLowerCase(Locale.ROOT)));
      if (!listed) {
        missing.add(endpoint);
      }
    }
    assertTrue(
        missing.isEmpty(),
        "in the README but not in /q/openapi: " + missing + "; the document has " + paths.keySet());
  }

  @Test
  void swaggerUiIsServed() {
    given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
  }

  /** "METHOD /path" for every endpoint the README names or calls. */
  private static Set<String> readmeEndpoints(String readme) {
    Set<String> endpoints = new TreeSet<>();
    for (Matcher m = MENTION.matcher(readme); m.find(); ) {
      endpoints.add(m.group(1) + " " + m.group(2));
    }
    for (Matcher m = CURL.matcher(readme); m.find(); ) {
      Matcher method = METHOD.matcher(m.group(1));
      endpoints.add((method.find() ? method.group(1) : "GET") + " " + m.group(2));
    }
    endpoints.removeIf(e -> e.contains(" /q/"));
    return endpoints;
  }

  /**
   * A path of the document, {@code /jobs/{id}}, as a pattern that a concrete path or the same
   * template matches.
   */
  private static Pattern template(String path) {
    StringBuilder regex = new StringBuilder();
    for (String part : path.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }
}
