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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** Scenarios 3 and 4: a unit page follows its job to the image, and one button cancels it. */
@QuarkusTest
@TestProfile(UiProfile.class)
class LiveRunTest {
  @TestHTTPResource("/")
  URL root;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  static void fill(WebElement input, Object value) {
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, String.valueOf(value));
  }

  /** Records every value the progress bar takes, from now on. */
  static void recordProgress(Browser b) {
    b.js(
        "window.__steps = []; new MutationObserver(() => __steps.push(document.getElementById('progress').value))"
            + ".observe(document.getElementById('progress'), {attributes: true, attributeFilter: ['value']});");
  }

  @SuppressWarnings("unchecked")
  static List<Number> steps(Browser b) {
    return (List<Number>) b.js("return window.__steps");
  }

  /** How many points the objective curve has, once it has any. */
  static int curvePoints(Browser b) {
    return b.until(
        d -> {
          String points = b.find("#curve polyline").getAttribute("points").trim();
          return points.isEmpty() ? null : points.split(" ").length;
        });
  }

  static void assertStrictlyIncreasing(List<Number> steps) {
    for (int i = 1; i < steps.size(); i++) {
      assertTrue(steps.get(i).doubleValue() > steps.get(i - 1).doubleValue(), "steps go " + steps);
    }
  }

  @Test
  void aUnitPageFollowsItsJobToTheImage() {
    try (Browser b = Browser.open(root)) {
      b.go("#/m/tiny_cnn/conv2/5?v=1");
      b.await("#params");
      assertEquals("Render", b.find("#run").getText());
      fill(b.find("#f-size"), 64);
      fill(b.find("#f-seed"), 1);
      recordProgress(b);
      // A render of tiny_cnn this short can end within one or two progress writes (at most one
      // per 200 ms): the curve comes from the job, which has every step.
      fill(b.find("#f-steps"), 64);
      b.find("#f-steps").sendKeys(Keys.ENTER);

      String hash = b.until(d -> b.hash().matches("#/jobs/[0-9A-Z]{26}") ? b.hash() : null);
      String id = hash.substring("#/jobs/".length());
      b.until(d -> b.find("#state").getText().equals("Succeeded") ? true : null);

      List<Number> steps = steps(b);
      assertTrue(!steps.isEmpty(), "the progress bar moved");
      assertStrictlyIncreasing(steps);
      assertEquals(64, steps.get(steps.size() - 1).intValue());
      assertEquals("64", b.find("#progress").getAttribute("max"));
      assertTrue(b.all("#strip li").size() >= 3, "snapshots: " + b.all("#strip li").size());
      assertEquals(64, curvePoints(b), "a curve point at every step");
      b.until(
          d ->
              ((Number) b.js("return document.querySelector('#viewer img').naturalWidth"))
                          .intValue()
                      == 64
                  ? true
                  : null);

      WebElement download = b.find("#download");
      assertEquals("tiny_cnn_conv2_5_s1.png", download.getAttribute("download"));
      assertEquals(
          List.of(137L, 80L, 78L, 71L),
          b.asyncJs(
              "const done = arguments[arguments.length - 1];"
                  + "fetch(arguments[0]).then(r => r.arrayBuffer()).then(a => done([...new Uint8Array(a).slice(0, 4)]))",
              download.getAttribute("href")),
          "the download is a PNG");
      assertEquals("SUCCEEDED", Jobs.job(id).getString("status"));

      // The finished job's page, loaded afresh, draws the curve from the job document alone.
      b.driver().navigate().refresh();
      b.until(d -> b.find("#state").getText().equals("Succeeded") ? true : null);
      assertEquals(64, curvePoints(b), "the reloaded page's curve");
      // In a closed <details>: its text is not shown, so not what getText() reads.
      assertEquals(
          "64", b.find("#curve-table tr:last-child td").getAttribute("textContent").trim());

      b.navigate("#/jobs");
      b.await("table.jobs tbody tr");
      assertEquals(id, b.find("table.jobs tbody tr").getAttribute("data-id"));

      b.navigate("#/");
      b.await("#models .model");
      b.until(
          d ->
              (Boolean)
                      b.js(
                          "return [...document.querySelectorAll('table.jobs img')].every(i => i.complete)")
                  ? true
                  : null);
      b.screenshot("models");
    }
  }

  @Test
  void oneButtonCancelsARunningJobAndKeepsItsLastSnapshot() throws Exception {
    try (Browser b = Browser.open(root)) {
      b.go(
          "#/m/tiny_cnn/conv3/2?v=1&obj=channel&neg=0&size=64&steps=5000&seed=2&lr=0.05&fft=1&decor=1&tf=std&div=0");
      b.await("#params");
      b.find("#run").click();
      b.until(d -> b.find("#run").getText().equals("Cancel") ? true : null);
      String id =
          b.until(d -> b.hash().matches("#/jobs/[0-9A-Z]{26}") ? b.hash().substring(7) : null);
      b.until(
          d -> b.all("#strip li").size() >= 1 && b.all("#viewer img").size() == 1 ? true : null);
      b.screenshot("unit-running");

      b.find("#run").click();
      long clicked = System.nanoTime();
      b.until(
          java.time.Duration.ofSeconds(2),
          d -> b.find("#state").getText().equals("Cancelled") ? true : null);
      assertTrue(System.nanoTime() - clicked < 2_000_000_000L);
      assertEquals("Render", b.find("#run").getText());
      assertEquals("CANCELLED", Jobs.job(id).getString("status"));
      String step = b.find("#progress").getAttribute("value");
      assertTrue(Integer.parseInt(step) > 0 && Integer.parseInt(step) < 5000, step);
      Thread.sleep(600);
      assertEquals(
          step, b.find("#progress").getAttribute("value"), "the step stays where the job stopped");
      assertTrue(b.find("#viewer img").getAttribute("src").contains("/jobs/" + id + "/snapshots/"));
      assertTrue(
          (Boolean) b.js("return document.querySelector('#viewer img').naturalWidth === 64"));
    }
  }
}
