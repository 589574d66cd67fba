package org.lucerna.model;

/**
 * What a SavedModel does not say about its input and the optimizer must know: the range of pixel values
 * it was trained on and the order of its color channels. An incorrect value range is the most common
 * cause of bad feature visualizations.
 */
public record ModelMetadata(double valueMin, double valueMax, ChannelOrder channelOrder) {

  public enum ChannelOrder { RGB, BGR }

  /** Images in [0, 1], RGB: what models trained on {@code pixels / 255} expect. */
  public static final ModelMetadata DEFAULT = new ModelMetadata(0, 1, ChannelOrder.RGB);
}
