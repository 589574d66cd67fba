package org.lucerna.optvis.transform;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How {@link Pad} fills the border. */
public enum PadMode {
  /** A constant value (0.5, mid gray, by default). */
  CONSTANT,
  /**
   * Mirror the image without repeating the edge pixel; the width must be smaller than the image
   * side.
   */
  REFLECT;

  @JsonValue
  String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
