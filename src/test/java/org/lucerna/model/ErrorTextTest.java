package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorTextTest {
  @Test
  void pathsClassNamesAndStackLinesAreTakenOut() {
    assertEquals(
        "cannot read …/saved_model.pb: no such file",
        ErrorText.redact(
            "java.io.IOException: cannot read /srv/models/secret/1/saved_model.pb: no such file\n"
                + "\tat org.lucerna.model.Loader.load(Loader.java:10)\n"));
    assertEquals("see …/", ErrorText.redact("see file:///var/lib/lucerna/"));
  }

  @Test
  void theServicesOwnRoutesAfterAMethodStay() {
    assertEquals(
        "retry later, or poll GET /sweeps/01ABC",
        ErrorText.redact("retry later, or poll GET /sweeps/01ABC"));
    assertEquals("send POST /models/m/load", ErrorText.redact("send POST /models/m/load"));
    assertEquals("the …/01ABC", ErrorText.redact("the /sweeps/01ABC"));
  }
}
