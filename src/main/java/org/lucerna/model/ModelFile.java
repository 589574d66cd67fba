package org.lucerna.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The optional {@code lucerna-model.json} beside a {@code saved_model.pb}: what SavedModels do not
 * carry (value range, channel order, fixed input size, display names) and how to read the model
 * (tags, signature, input node, the input's channel count where the graph leaves it free). Every
 * field is optional; a missing one takes the default of {@link ModelMetadata#DEFAULT} or {@link
 * LoadOptions#DEFAULT}. The TF.js importer writes this file.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelFile(
    List<Double> valueRange,
    String channelOrder,
    List<Integer> inputSize,
    Map<String, String> displayNames,
    List<String> tags,
    String signature,
    String inputNode,
    Integer inputChannels) {

  public static final String NAME = "lucerna-model.json";
  public static final ModelFile EMPTY =
      new ModelFile(null, null, null, null, null, null, null, null);
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The file in {@code versionDir}, or {@link #EMPTY} when there is none. */
  public static ModelFile read(Path versionDir) {
    Path file = versionDir.resolve(NAME);
    if (!Files.isRegularFile(file)) {
      return EMPTY;
    }
    try {
      return JSON.readValue(file.toFile(), ModelFile.class);
    } catch (JsonProcessingException e) {
      throw new ModelException.Unusable(
          NAME + " of " + versionDir.getFileName() + " is not valid: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ModelException.Unusable(
          "cannot read the " + NAME + " of version " + versionDir.getFileName(), e);
    }
  }

  public ModelMetadata metadata() {
    ModelMetadata d = ModelMetadata.DEFAULT;
    double min = d.valueMin();
    double max = d.valueMax();
    if (valueRange != null) {
      if (valueRange.size() != 2) {
        throw new ModelException.Unusable(
            NAME + ": valueRange must be [min, max], got " + valueRange);
      }
      min = valueRange.get(0);
      max = valueRange.get(1);
    }
    ModelMetadata.ChannelOrder order = d.channelOrder();
    if (channelOrder != null) {
      try {
        order = ModelMetadata.ChannelOrder.valueOf(channelOrder.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ModelException.Unusable(
            NAME + ": channelOrder must be RGB or BGR, got " + channelOrder);
      }
    }
    if (inputSize != null && inputSize.size() != 2) {
      throw new ModelException.Unusable(
          NAME + ": inputSize must be [height, width], got " + inputSize);
    }
    try {
      return new ModelMetadata(
          min,
          max,
          order,
          inputSize == null ? null : inputSize.get(0),
          inputSize == null ? null : inputSize.get(1),
          displayNames);
    } catch (IllegalArgumentException e) {
      throw new ModelException.Unusable(NAME + ": " + e.getMessage());
    }
  }

  public LoadOptions loadOptions() {
    LoadOptions d = LoadOptions.DEFAULT;
    try {
      return new LoadOptions(
          tags == null || tags.isEmpty() ? d.tags() : tags,
          signature == null ? d.signature() : signature,
          inputNode == null ? d.inputNode() : inputNode,
          inputChannels);
    } catch (IllegalArgumentException e) {
      throw new ModelException.Unusable(NAME + ": " + e.getMessage());
    }
  }
}
