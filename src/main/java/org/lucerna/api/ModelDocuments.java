package org.lucerna.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lucerna.model.ErrorText;
import org.lucerna.model.InputSpec;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.ModelMetadata;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.PreparedModel;

/** The documents of the {@code /models} endpoints. */
public final class ModelDocuments {
  private ModelDocuments() {}

  /** {@code GET /models}. */
  public record ModelList(List<ModelSummary> models) {}

  /** A model of the list: its versions, the one served by default and that version's state. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelSummary(
      String name,
      List<Long> versions,
      Long servedVersion,
      String state,
      String reason,
      Map<String, String> links) {}

  /** {@code GET /models/{name}}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelDocument(
      String name,
      long servedVersion,
      List<VersionDocument> versions,
      InputDocument input,
      MetadataDocument metadata,
      Map<String, String> links) {}

  /**
   * A version's state: {@code UNLOADED}, {@code LOADING}, {@code AVAILABLE}, or {@code FAILED} with
   * the reason.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VersionDocument(long version, String state, String reason) {
    static VersionDocument of(ModelRegistry.VersionState s) {
      return new VersionDocument(s.id().version(), s.state().name(), ErrorText.redact(s.reason()));
    }
  }

  /**
   * The model's input tensor: NHWC with -1 for a free dimension ({@code height}/{@code width} -1:
   * any size). Known once the version is loaded.
   */
  public record InputDocument(
      String name,
      String dtype,
      List<Long> shape,
      long height,
      long width,
      long channels,
      boolean dynamicSize) {
    static InputDocument of(PreparedModel model) {
      InputSpec in = model.input();
      String dtype = model.inputDataType().name().replaceFirst("^DT_", "").toLowerCase(Locale.ROOT);
      List<Long> shape = Arrays.stream(in.shape()).boxed().toList();
      boolean image = in.shape().length == 4;
      return new InputDocument(
          in.node(),
          dtype,
          shape,
          image ? in.height() : -1,
          image ? in.width() : -1,
          in.shape().length == 0 ? -1 : in.shape()[in.shape().length - 1],
          image && (in.height() < 0 || in.width() < 0));
    }
  }

  /**
   * What the optimizer assumes about the input, from {@code lucerna-model.json} or the defaults
   * ([0, 1], RGB); a request may override it.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MetadataDocument(
      List<Double> valueRange,
      String channelOrder,
      List<Integer> inputSize,
      Map<String, String> displayNames) {
    static MetadataDocument of(ModelMetadata m) {
      List<Integer> size =
          m.inputHeight() == null ? null : List.of(m.inputHeight(), m.inputWidth());
      return new MetadataDocument(
          List.of(m.valueMin(), m.valueMax()), m.channelOrder().name(), size, m.displayNames());
    }
  }

  /** {@code GET /models/{name}/layers}. */
  public record LayerList(String model, long version, List<LayerDocument> layers) {}

  /** A layer an objective can name: {@code name:channel}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LayerDocument(
      String name,
      String displayName,
      String opType,
      List<Long> shape,
      int channels,
      boolean spatial,
      String tensor) {
    static LayerDocument of(LayerInfo l, Map<String, String> displayNames) {
      return new LayerDocument(
          l.name(),
          displayNames.get(l.name()),
          l.opType(),
          Arrays.stream(l.shape()).boxed().toList(),
          l.channels(),
          l.spatial(),
          l.output());
    }
  }
}
