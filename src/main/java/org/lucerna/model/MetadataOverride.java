package org.lucerna.model;

/**
 * What one request changes in a model's metadata, for a model whose metadata file is missing or
 * wrong; a null component keeps the model's value.
 */
public record MetadataOverride(
    Double valueMin, Double valueMax, ModelMetadata.ChannelOrder channelOrder) {

  public MetadataOverride {
    if ((valueMin == null) != (valueMax == null)) {
      throw new IllegalArgumentException("give both ends of the value range, or neither");
    }
    if (valueMin != null
        && !(Double.isFinite(valueMin) && Double.isFinite(valueMax) && valueMin < valueMax)) {
      throw new IllegalArgumentException(
          "the value range must be two finite numbers, the first smaller, got ["
              + valueMin
              + ", "
              + valueMax
              + "]");
    }
  }

  public ModelMetadata apply(ModelMetadata metadata) {
    return metadata.withOverrides(valueMin, valueMax, channelOrder);
  }
}
