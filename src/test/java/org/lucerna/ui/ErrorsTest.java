package org.lucerna.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestJobs;
import org.openqa.selenium.WebElement;

/** Scenario 6: the API's problems in the page, on the field at fault, and an unknown job. */
@QuarkusTest
@TestProfile(UiProfile.class)
class ErrorsTest {
  @TestHTTPResource("/")
  URL root;

  @AfterEach
  void leaveNoJobRunning() {
    TestJobs.cancelUnfinished();
  }

  @Test
  void aChannelOutOfRangeIsShownOnItsFieldAndStartsNoJob() {
    int jobs = Jobs.count();
    try (Browser b = Browser.open(root)) {
      b.go("#/m/tiny_cnn/conv2/99999?v=1&size=32&steps=4");
      b.await("#params");
      b.find("#run").click();
      String alert = b.until(d -> b.alert().isEmpty() ? null : b.alert());
      assertTrue(alert.contains("The request is not valid — "), alert);
      assertTrue(alert.contains("99999") || alert.contains("channel"), alert);
      WebElement unit = b.find("#f-unit");
      assertEquals("true", unit.getAttribute("aria-invalid"));
      String described = unit.getAttribute("aria-describedby");
      assertTrue(!b.find("#" + described).getText().isBlank(), "the field names what is wrong");
      assertTrue(b.hash().startsWith("#/m/tiny_cnn/conv2/99999"), b.hash());
      assertEquals("Render", b.find("#run").getText());
      assertEquals(jobs, Jobs.count(), "no job was submitted");
    }
  }

  @Test
  void anUnknownJobIsNotFoundAndOpensNoStream() {
    try (Browser b = Browser.open(root)) {
      b.go("#/jobs/nope");
      String alert = b.until(d -> b.alert().isEmpty() ? null : b.alert());
      assertTrue(alert.startsWith("No such job"), alert);
      assertTrue(b.find("#main").getText().contains("not found"), b.find("#main").getText());
      assertTrue(
          b.requested().stream().filter(p -> p.contains("/events")).count() <= 1,
          b.requested().toString());
    }
  }
}
