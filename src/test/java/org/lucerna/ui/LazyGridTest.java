package org.lucerna.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;
import org.lucerna.testing.TestModels;

/**
 * Scenario 2, the lazy grid: a layer of 256 channels with 3 rendered, the rendered ones as images,
 * the rest as numbered placeholders, loaded as they come into view. The 256-channel layer is the
 * test model {@code wide_cnn}'s {@code conv2}, which only this class renders.
 */
@QuarkusTest
@TestProfile(UiProfile.class)
class LazyGridTest {
  @TestHTTPResource("/")
  URL root;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void onlyRenderedChannelsAreImagesAndOnlyVisibleOnesLoad() throws Exception {
    String model = TestModels.wideCnn();
    for (int channel : new int[] {0, 1, 63}) {
      assertEquals(
          "SUCCEEDED",
          Jobs.awaitFinished(
              Jobs.submit(
                  "{\"model\": \""
                      + model
                      + "\", \"objective\": \"conv2:"
                      + channel
                      + "\", \"size\": 32, \"steps\": 8, \"seed\": 11}")));
    }
    try (Browser b = Browser.open(root, 600, 500)) {
      b.go("#/m/" + model + "/conv2?page=0");
      b.await("#tiles");
      assertTrue(b.find("nav[aria-label=Pages]").getText().contains("page 1 of 4"));
      assertEquals(64, b.all("#tiles .tile").size());
      assertEquals(3, b.all("#tiles img").size());
      assertEquals("conv2 channel 63", b.find("#tile-63 img").getAttribute("alt"));
      b.until(d -> images(b).size() == 2 ? true : null);
      Thread.sleep(300);
      assertEquals(2, images(b).size(), "only the visible tiles load: " + images(b));

      b.js("document.getElementById('tile-63').scrollIntoView()");
      b.until(d -> images(b).size() == 3 ? true : null);
      assertTrue(
          (Boolean) b.js("return document.querySelector('#tile-63 img').naturalWidth === 32"));

      b.find("a[rel=next]").click();
      b.until(d -> b.js("return document.getElementById('tile-64') !== null") == Boolean.TRUE);
      assertEquals(64, b.all("#tiles .tile").size());
      assertEquals(0, b.all("#tiles img").size(), "channels 64-127 have no image yet");
      assertEquals(3, images(b).size(), "a page of placeholders loads no image");
      assertTrue(
          b.requested().stream().noneMatch(p -> p.contains("/events")),
          "no event streams: " + b.requested());
    }
  }

  @Test
  void aLayerGridShowsItsRenderedTiles() throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    for (int channel = 0; channel < 24; channel++) {
      ids.add(
          Jobs.submit(
              "{\"objective\": \"conv2:"
                  + channel
                  + "\", \"size\": 64, \"steps\": 48, \"seed\": 1}"));
    }
    for (String id : ids) {
      Jobs.awaitFinished(id);
    }
    try (Browser b = Browser.open(root)) {
      b.go("#/m/tiny_cnn/conv2?page=0");
      b.await("#tiles");
      assertEquals(24, b.all("#tiles img").size());
      b.until(
          d ->
              (Boolean)
                      b.js(
                          "return [...document.querySelectorAll('#tiles img')]"
                              + ".every(i => i.complete && i.naturalWidth === 64)")
                  ? true
                  : null);
      b.screenshot("layer-grid");
    }
  }

  private static List<String> images(Browser b) {
    return b.requested().stream().filter(p -> p.matches("/jobs/[^/]+/image.*")).toList();
  }
}
