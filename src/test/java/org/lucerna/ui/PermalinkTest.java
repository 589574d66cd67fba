package org.lucerna.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;

/**
 * Scenario 5: a recipe link restores the page and its finished image; a reload mid-run follows the
 * same job on.
 */
@QuarkusTest
@TestProfile(UiProfile.class)
class PermalinkTest {
  @TestHTTPResource("/")
  URL root;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void aCopiedRecipeLinkRestoresEveryFieldAndTheCachedImageWithoutANewJob() {
    String recipe;
    try (Browser b = Browser.open(root)) {
      b.go("#/m/tiny_cnn/conv1/3?v=1");
      b.await("#params");
      LiveRunTest.fill(b.find("#f-size"), 48);
      LiveRunTest.fill(b.find("#f-steps"), 40);
      LiveRunTest.fill(b.find("#f-seed"), 7);
      LiveRunTest.fill(b.find("#f-lr"), 0.1);
      b.find("#f-neg").click();
      b.find("#f-decor").click();
      new org.openqa.selenium.support.ui.Select(b.find("#f-tf")).selectByValue("none");
      recipe = b.find("#permalink").getAttribute("value");
      assertTrue(
          recipe.contains(
              "#/m/tiny_cnn/conv1/3?v=1&obj=channel&neg=1&size=48&steps=40&seed=7&lr=0.1&fft=1&decor=0&tf=none&div=0"),
          recipe);
      b.find("#run").click();
      b.until(d -> b.find("#state").getText().equals("Succeeded") ? true : null);
    }
    int jobs = Jobs.count();
    try (Browser b = Browser.open(root)) {
      b.driver().get(recipe);
      b.until(d -> b.find("#state").getText().equals("Succeeded (cached result)") ? true : null);
      Map<String, Object> fields =
          Map.of(
              "f-unit", "3", "f-obj", "channel", "f-size", "48", "f-steps", "40", "f-seed", "7",
              "f-lr", "0.1", "f-tf", "none");
      fields.forEach(
          (id, value) -> assertEquals(value, b.find("#" + id).getAttribute("value"), id));
      assertTrue(b.find("#f-neg").isSelected());
      assertTrue(b.find("#f-fft").isSelected());
      assertFalse(b.find("#f-decor").isSelected());
      assertFalse(b.find("#f-div").isSelected());
      b.until(
          d ->
              (Boolean)
                      b.js(
                          "const i = document.querySelector('#viewer img');"
                              + " return !!i && i.complete && i.naturalWidth === 48")
                  ? true
                  : null);
      assertEquals("Render", b.find("#run").getText());
      assertEquals(40, LiveRunTest.curvePoints(b), "the cached job's curve, every step");
      assertTrue(
          b.requested().stream().noneMatch(p -> p.startsWith("/visualize")),
          b.requested().toString());
      assertEquals(jobs, Jobs.count(), "no job was submitted");
    }
  }

  @Test
  void aReloadMidRunReattachesWithoutGoingBackOrRepeatingAStep() {
    try (Browser b = Browser.open(root)) {
      b.go(
          "#/m/tiny_cnn/conv2/9?v=1&obj=channel&neg=0&size=64&steps=3000&seed=3&lr=0.05&fft=1&decor=1&tf=std&div=0");
      b.await("#params");
      b.find("#run").click();
      String id =
          b.until(d -> b.hash().matches("#/jobs/[0-9A-Z]{26}") ? b.hash().substring(7) : null);
      b.until(d -> Integer.parseInt(b.find("#progress").getAttribute("value")) > 0 ? true : null);
      int before = Integer.parseInt(b.find("#progress").getAttribute("value"));

      b.driver().navigate().refresh();
      b.await("#progress");
      LiveRunTest.recordProgress(b);
      assertEquals("#/jobs/" + id, b.hash());
      b.until(d -> LiveRunTest.steps(b).size() >= 3 ? true : null);
      List<Number> steps = LiveRunTest.steps(b);
      assertTrue(
          steps.get(0).intValue() >= before,
          "after the reload the page starts at " + steps + ", before it at " + before);
      LiveRunTest.assertStrictlyIncreasing(steps);
      b.find("#run").click();
      b.until(d -> b.find("#state").getText().equals("Cancelled") ? true : null);
      LiveRunTest.assertStrictlyIncreasing(LiveRunTest.steps(b));
      assertEquals("CANCELLED", Jobs.job(id).getString("status"));
    }
  }
}
