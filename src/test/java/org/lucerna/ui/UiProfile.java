package org.lucerna.ui;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The browser tests' own start of the service: the test profile (tiny_cnn, jobs in memory) with a
 * store that holds only their jobs, since the page shows every finished job of a layer and the
 * tests count them.
 */
public class UiProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of();
  }
}
