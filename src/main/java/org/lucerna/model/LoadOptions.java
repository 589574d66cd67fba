package org.lucerna.model;

import java.util.List;

/**
 * How to read a SavedModel: which MetaGraph (by tags), which signature, for a model saved without
 * signatures which node is the input, and the input's channel count where the graph leaves it free
 * and no convolution tells it ({@link InputChannels}).
 */
public record LoadOptions(
    List<String> tags, String signature, String inputNode, Integer inputChannels) {

  public static final LoadOptions DEFAULT =
      new LoadOptions(List.of("serve"), "serving_default", null, null);

  public LoadOptions {
    tags = List.copyOf(tags);
    if (inputChannels != null && inputChannels < 1) {
      throw new IllegalArgumentException("inputChannels must be at least 1, got " + inputChannels);
    }
  }

  public LoadOptions(List<String> tags, String signature, String inputNode) {
    this(tags, signature, inputNode, null);
  }
}
