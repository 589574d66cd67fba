package org.lucerna.optvis.term;

import org.lucerna.model.LayerInfo;

/** The argument checks several kinds of term share. */
final class TermChecks {
  private TermChecks() {}

  static void requireLayer(String layer) {
    if (layer == null || layer.isBlank()) {
      throw new IllegalArgumentException("layer is required");
    }
  }

  static void requireIndex(String what, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be at least 0, got " + value);
    }
  }

  static void checkChannel(int channel, LayerInfo layer) {
    if (channel >= layer.channels()) {
      throw new IllegalArgumentException(
          "layer '"
              + layer.name()
              + "' has "
              + layer.channels()
              + " channels (0 to "
              + (layer.channels() - 1)
              + "); got channel "
              + channel);
    }
  }

  static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
