package org.lucerna.model;

import java.util.List;

/**
 * How to read a SavedModel: which MetaGraph (by tags), which signature, and, for a model saved
 * without signatures, which node is the input.
 */
public record LoadOptions(List<String> tags, String signature, String inputNode) {

  public static final LoadOptions DEFAULT =
      new LoadOptions(List.of("serve"), "serving_default", null);

  public LoadOptions {
    tags = List.copyOf(tags);
  }
}
