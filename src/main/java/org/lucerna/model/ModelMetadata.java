package org.lucerna.model;

import java.util.Map;

/**
 * What a SavedModel does not say about its input and the optimizer must know: the range of pixel
 * values it was trained on and the order of its color channels. An incorrect value range is the
 * most common cause of bad feature visualizations.
 *
 * @param inputHeight a fixed input height the model needs, or null when the graph's shape says it
 *     all
 * @param inputWidth a fixed input width, or null
 * @param displayNames friendly names of layers, by catalog name ({@code mixed4 -> "Mixed 4"})
 */
public record ModelMetadata(
    double valueMin,
    double valueMax,
    ChannelOrder channelOrder,
    Integer inputHeight,
    Integer inputWidth,
    Map<String, String> displayNames) {

  public enum ChannelOrder {
    RGB,
    BGR
  }

  /** Images in [0, 1], RGB: what models trained on {@code pixels / 255} expect. */
  public static final ModelMetadata DEFAULT = new ModelMetadata(0, 1, ChannelOrder.RGB);

  public ModelMetadata {
    if (!(valueMax > valueMin)) {
      throw new IllegalArgumentException(
          "value range must rise, got [" + valueMin + ", " + valueMax + "]");
    }
    if (channelOrder == null) {
      throw new IllegalArgumentException("channel order must be RGB or BGR");
    }
    displayNames = displayNames == null ? Map.of() : Map.copyOf(displayNames);
  }

  public ModelMetadata(double valueMin, double valueMax, ChannelOrder channelOrder) {
    this(valueMin, valueMax, channelOrder, null, null, Map.of());
  }

  /** This metadata with what a request overrides; a null argument keeps the model's value. */
  public ModelMetadata withOverrides(Double min, Double max, ChannelOrder order) {
    return new ModelMetadata(
        min == null ? valueMin : min,
        max == null ? valueMax : max,
        order == null ? channelOrder : order,
        inputHeight,
        inputWidth,
        displayNames);
  }
}
