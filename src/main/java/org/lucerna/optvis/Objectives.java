package org.lucerna.optvis;

/** Builds objectives, from code or from their short string form. */
public final class Objectives {
  private Objectives() {}

  public static Objective channel(String layer, int channel) {
    return new Objective.Channel(layer, channel);
  }

  /**
   * Parses the short form {@code "layer:channel"} (the layer name may itself contain ':' or '/'; the
   * channel is what follows the last ':').
   */
  public static Objective parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("objective is empty; write it as 'layer:channel', e.g. 'conv2:7'");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("objective '" + text + "' is not of the form 'layer:channel'");
    }
    String layer = text.substring(0, colon).trim();
    int channel;
    try {
      channel = Integer.parseInt(text.substring(colon + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("objective '" + text + "': channel '" + text.substring(colon + 1)
          + "' is not a whole number");
    }
    return channel(layer, channel);
  }
}
