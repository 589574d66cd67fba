package org.lucerna.ui;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;

/**
 * "Render this page" of a layer's grid: one sweep (one POST /sweeps) followed on one EventSource,
 * whose channel images fill the tiles.
 */
@QuarkusTest
@TestProfile(UiProfile.class)
class RenderPageTest {
  @TestHTTPResource("/")
  URL root;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void renderThisPageIsOneSweepOnOneStream() throws Exception {
    try (Browser b = Browser.open(root)) {
      b.go("#/m/tiny_cnn/conv1?page=0");
      b.await("#tiles");
      assertEquals(16, b.all("#tiles .tile").size());
      b.find("#render-page").click();
      b.until(
          Duration.ofMinutes(3),
          d ->
              (Boolean)
                      b.js(
                          "return [...document.querySelectorAll('#tiles .tile')].every(t => {"
                              + " const i = t.querySelector('img');"
                              + " return i && i.complete && i.naturalWidth > 0; })")
                  ? true
                  : null);
      b.until(d -> b.find("#render-page").getText().equals("Render this page") ? true : null);
      List<String> requested = b.requested();
      List<String> streams = requested.stream().filter(p -> p.endsWith("/events")).toList();
      assertEquals(1, streams.size(), "one event stream: " + requested);
      assertEquals(1, streams.stream().filter(p -> p.startsWith("/sweeps/")).count());
      String sweep = streams.get(0).split("/")[2];
      given()
          .get("/sweeps/" + sweep)
          .then()
          .statusCode(200)
          .body("status", org.hamcrest.Matchers.equalTo("SUCCEEDED"))
          .body("channelsTotal", org.hamcrest.Matchers.equalTo(16))
          .body("request.size", org.hamcrest.Matchers.nullValue())
          .body("request.height", org.hamcrest.Matchers.equalTo(64));
      assertEquals(
          16,
          ((Number)
                  b.js(
                      "return document.querySelectorAll('#tiles img[src^=\"/sweeps/\"],"
                          + " #tiles img[data-src]').length"))
              .intValue());
    }
  }
}
