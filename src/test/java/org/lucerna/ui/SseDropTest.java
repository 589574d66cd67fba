package org.lucerna.ui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;

/**
 * Scenario 7: the event stream of a running job is cut under the page (by {@link EventStreamHook},
 * at the connection). The page says "Reconnecting…", its EventSource comes back with the last step
 * as Last-Event-ID, the server resumes after it, and the run completes with steps that only go up.
 * A stream the server refuses (503) makes the page poll the job every 2 s instead, to the end.
 */
@QuarkusTest
@TestProfile(UiProfile.class)
class SseDropTest {
  /** Long enough on tiny_cnn that the run outlasts a cut and the browser's reconnect delay. */
  static final int STEPS = 1500;

  @TestHTTPResource("/")
  URL root;

  @Inject EventStreamHook hook;

  @BeforeEach
  void fresh() {
    hook.reset();
  }

  @AfterEach
  void tidy() {
    hook.reset();
    TestJobs.cancelUnfinished();
  }

  /**
   * Wraps the page's EventSource so that the test sees every event as it arrives ({@code __events}:
   * [type, lastEventId, step]), and records the texts of {@code #state}.
   */
  static void recordStream(Browser b) {
    b.js(
        "window.__events = []; window.__states = [];"
            + "const Real = window.EventSource;"
            + "window.EventSource = class extends Real { constructor(url, init) { super(url, init);"
            + "  this.addEventListener('open', () => __events.push(['open', this.url, -1]));"
            + "  for (const t of ['status', 'progress', 'snapshot', 'done']) this.addEventListener(t, e =>"
            + "    __events.push([t, e.lastEventId, t === 'progress' ? JSON.parse(e.data).step : -1])); } };"
            + "new MutationObserver(() => __states.push(document.getElementById('state').textContent))"
            + "  .observe(document.getElementById('state'), {childList: true, characterData: true, subtree: true});");
  }

  @SuppressWarnings("unchecked")
  static List<List<Object>> events(Browser b) {
    return (List<List<Object>>) b.js("return window.__events");
  }

  @SuppressWarnings("unchecked")
  static List<String> states(Browser b) {
    return (List<String>) b.js("return window.__states");
  }

  private String startRun(Browser b, long seed) {
    b.go(
        "#/m/tiny_cnn/conv2/6?v=1&obj=channel&neg=0&size=48&steps="
            + STEPS
            + "&seed="
            + seed
            + "&lr=0.05&fft=1&decor=1&tf=std&div=0");
    b.await("#params");
    recordStream(b);
    LiveRunTest.recordProgress(b);
    b.find("#run").click();
    String id =
        b.until(d -> b.hash().matches("#/jobs/[0-9A-Z]{26}") ? b.hash().substring(7) : null);
    b.until(d -> Integer.parseInt(b.find("#progress").getAttribute("value")) > 0 ? true : null);
    return id;
  }

  @Test
  void aCutStreamReconnectsWithItsLastStepAndTheRunCompletes() {
    try (Browser b = Browser.open(root)) {
      String id = startRun(b, 41);
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.openStreams() == 1);
      assertEquals(1, hook.cut(), "one stream was open");

      b.until(
          Duration.ofSeconds(120),
          d -> b.find("#state").getText().equals("Succeeded") ? true : null);
      assertTrue(states(b).contains("Reconnecting…"), "states shown: " + states(b));
      assertEquals("SUCCEEDED", Jobs.job(id).getString("status"));

      List<String> requests = hook.requests();
      assertEquals(2, requests.size(), "stream requests (their Last-Event-ID): " + requests);
      assertEquals("", requests.get(0));
      long resumedFrom = Long.parseLong(requests.get(1));
      assertTrue(resumedFrom > 0 && resumedFrom < STEPS, "resumed from " + resumedFrom);

      // What the EventSource received: every progress event's id is its step, and across the cut
      // no step comes twice or goes back.
      List<List<Object>> events = events(b);
      List<Long> progress = new ArrayList<>();
      int opens = 0;
      long firstAfterResume = -1;
      for (List<Object> e : events) {
        if (e.get(0).equals("open")) {
          opens++;
        } else if (e.get(0).equals("progress")) {
          long step = ((Number) e.get(2)).longValue();
          assertEquals(String.valueOf(step), e.get(1), "a progress event's id is its step");
          progress.add(step);
          if (opens == 2 && firstAfterResume < 0) {
            firstAfterResume = step;
          }
        }
      }
      assertEquals(2, opens, "events: " + events);
      for (int i = 1; i < progress.size(); i++) {
        assertTrue(progress.get(i) > progress.get(i - 1), "steps received: " + progress);
      }
      assertTrue(
          firstAfterResume > resumedFrom,
          "after resuming from " + resumedFrom + " the first step is " + firstAfterResume);
      assertEquals(STEPS, progress.get(progress.size() - 1).intValue(), "events: " + events);
      List<Number> shown = LiveRunTest.steps(b);
      LiveRunTest.assertStrictlyIncreasing(shown);
      assertEquals(STEPS, shown.get(shown.size() - 1).intValue());
      b.until(
          d ->
              (Boolean)
                      b.js(
                          "const i = document.querySelector('#viewer img');"
                              + " return !!i && i.complete && i.naturalWidth === 48")
                  ? true
                  : null);
    }
  }

  @Test
  void aRefusedStreamFallsBackToPollingTheJobToTheEnd() {
    hook.refuse(true);
    try (Browser b = Browser.open(root)) {
      String id = startRun(b, 42);
      b.until(
          Duration.ofSeconds(120),
          d -> b.find("#state").getText().equals("Succeeded") ? true : null);
      assertTrue(
          states(b).contains("Running (checking every 2 s)"),
          "the page said it polls: " + states(b));
      assertEquals(1, hook.requests().size(), "one refused stream, no retry: " + hook.requests());
      long polls = b.requested().stream().filter(p -> p.equals("/jobs/" + id)).count();
      assertTrue(polls >= 3, "GET /jobs/" + id + " requested " + polls + " times");
      List<Number> shown = LiveRunTest.steps(b);
      LiveRunTest.assertStrictlyIncreasing(shown);
      assertTrue(shown.size() >= 2, "progress from the polls: " + shown);
      assertEquals(STEPS, shown.get(shown.size() - 1).intValue());
      assertEquals("SUCCEEDED", Jobs.job(id).getString("status"));
    }
  }
}
