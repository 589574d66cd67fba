package org.lucerna.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;
import org.openqa.selenium.Keys;

/**
 * Scenario 8: axe-core finds nothing serious, the keyboard reaches every field, and the page is
 * small and quick.
 */
@QuarkusTest
@TestProfile(UiProfile.class)
class AccessibilityTest {
  @TestHTTPResource("/")
  URL root;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void everyViewPassesAxeAndTheKeyboardReachesEveryField() throws Exception {
    Jobs.awaitFinished(Jobs.submit(Jobs.pageRequest("conv1", 1, 32, 16, 0)));
    try (Browser b = Browser.open(root)) {
      for (String[] view :
          new String[][] {
            {"#/", "#models .model"},
            {"#/m/tiny_cnn", "#layers tbody tr"},
            {"#/m/tiny_cnn/conv1?page=0", "#tiles"},
            {"#/m/tiny_cnn/conv1/1?v=1&size=32&steps=16", "#state.st-SUCCEEDED"},
            {"#/jobs", "table.jobs"}
          }) {
        b.go(view[0]);
        b.await(view[1]);
        assertEquals(List.of(), b.seriousA11yViolations(), view[0]);
      }

      b.go("#/m/tiny_cnn/conv1/1?v=1");
      b.await("#params");
      b.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)");
      Set<String> reached = new LinkedHashSet<>();
      for (int i = 0; i < 60; i++) {
        b.driver().switchTo().activeElement().sendKeys(Keys.TAB);
        reached.add(
            String.valueOf(
                b.js("return document.activeElement.id || document.activeElement.tagName")));
      }
      for (String id :
          List.of(
              "f-unit",
              "f-obj",
              "f-neg",
              "f-size",
              "f-steps",
              "f-seed",
              "dice",
              "f-fft",
              "f-decor",
              "f-tf",
              "f-lr",
              "f-div",
              "run",
              "reset",
              "permalink",
              "copy-link")) {
        assertTrue(reached.contains(id), id + " is not reached by Tab: " + reached);
      }
    }
  }

  @Test
  void thePageIsSmallPaintsQuicklyAndRunsWithoutLongTasks() throws Exception {
    try (Browser b = Browser.open(root)) {
      b.go("#/");
      b.await("#models .model");
      double fcp =
          ((Number)
                  b.js(
                      "const e = performance.getEntriesByName('first-contentful-paint')[0];"
                          + " return e ? e.startTime : 1e9"))
              .doubleValue();
      assertTrue(fcp < 1000, "first contentful paint after " + fcp + " ms");
      double shell =
          ((Number)
                  b.js(
                      "return performance.getEntriesByType('resource')"
                          + ".filter(e => /\\.(js|css)$/.test(new URL(e.name).pathname)).reduce((s, e) => s + e.decodedBodySize, 0)"
                          + " + performance.getEntriesByType('navigation')[0].decodedBodySize"))
              .doubleValue();
      assertTrue(shell > 10_000 && shell < 60 * 1024, "the shell has " + shell + " bytes");
      List<String> origins = b.requested();
      assertTrue(
          ((Boolean)
              b.js(
                  "return performance.getEntriesByType('resource')"
                      + ".every(e => new URL(e.name).origin === location.origin)")),
          "another origin was asked: " + origins);

      b.go("#/m/tiny_cnn/conv1/4?v=1&size=64&steps=200&seed=4");
      b.await("#params");
      b.js(
          "window.__long = []; new PerformanceObserver(l => l.getEntries().forEach(e => __long.push(e.duration)))"
              + ".observe({type: 'longtask'});");
      b.find("#run").click();
      b.until(d -> b.find("#state").getText().equals("Succeeded") ? true : null);
      @SuppressWarnings("unchecked")
      List<Number> longTasks = new ArrayList<>((List<Number>) b.js("return window.__long"));
      assertTrue(
          longTasks.stream().allMatch(d -> d.doubleValue() <= 200), "long tasks: " + longTasks);
    }
  }

  @Test
  void aPhoneSizedWindowNeedsNoSidewaysScrolling() throws Exception {
    Jobs.awaitFinished(Jobs.submit(Jobs.pageRequest("conv2", 6, 64, 48, 0)));
    try (Browser b = Browser.open(root, 400, 860)) {
      for (String[] view :
          new String[][] {
            {"#/", "#models .model"},
            {"#/m/tiny_cnn", "#layers tbody tr"},
            {"#/m/tiny_cnn/conv2?page=0", "#tiles"},
            {"#/m/tiny_cnn/conv2/6?v=1&size=64&steps=48", "#state.st-SUCCEEDED"}
          }) {
        b.go(view[0]);
        b.await(view[1]);
        long overflow =
            ((Number)
                    b.js(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                .longValue();
        assertTrue(overflow <= 0, view[0] + " is " + overflow + " px too wide at 400 px");
      }
      b.until(
          d ->
              (Boolean)
                      b.js(
                          "const i = document.querySelector('#viewer img'); return !!i && i.complete && i.naturalWidth > 0")
                  ? true
                  : null);
      b.screenshot("phone-unit");
    }
  }
}
