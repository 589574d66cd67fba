package org.lucerna.model;

import java.util.Optional;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;

/**
 * A model ready for the optimizer: one flat graph with every variable frozen into a constant (so
 * that gradients reach the input through plain ops), its input, its layers and its metadata.
 */
public record PreparedModel(
    ModelId id, GraphDef graph, InputSpec input, LayerCatalog layers, ModelMetadata metadata) {

  /** The dtype of the input placeholder ({@code DT_FLOAT} for every image model so far). */
  public DataType inputDataType() {
    return graph.getNodeList().stream()
        .filter(n -> n.getName().equals(input.node()))
        .findFirst()
        .map(n -> n.getAttrOrThrow("dtype").getType())
        .orElseThrow(
            () -> new IllegalStateException("the graph lacks its input node " + input.node()));
  }

  /**
   * The graph cut down to what {@code outputs} (tensor names) and the input need, in the same
   * order: what a plan imports, so that nodes off the path to its objective (the model's head, and
   * the unscaled convolutions that batch-norm folding leaves for layers read by name) are neither
   * imported nor held in the plan's graph.
   */
  public GraphDef graphFor(java.util.Collection<String> outputs) {
    java.util.List<String> keep = new java.util.ArrayList<>(outputs);
    keep.add(input.node());
    return GraphSurgery.pruneAndSort(graph, keep);
  }

  /**
   * The inputs of {@code layer} when it concatenates them along its channels, in channel order;
   * empty otherwise.
   */
  public java.util.List<ConcatInput> concatInputs(LayerInfo layer) {
    return ConcatInput.of(graph, layers, layer);
  }

  /**
   * Why the optimizer cannot render images for this model, naming it; empty when it can. Checked at
   * submit, so that such a model is refused then and not by a failed job later.
   */
  public Optional<String> unrenderable() {
    if (input.shape().length != 4 || input.channels() < 1) {
      return Optional.of(
          "model "
              + id
              + " takes "
              + input
              + "; the optimizer renders images, so the input must be NHWC with a known channel"
              + " count (when the graph leaves it free and no convolution reads the input, give"
              + " \"inputChannels\" in "
              + ModelFile.NAME
              + ")");
    }
    return Optional.empty();
  }

  /** Bytes of the frozen graph: what a prepared model costs in memory. */
  public long sizeBytes() {
    return graph.getSerializedSize();
  }

  /**
   * This model read with other metadata (a request's override); the graph is shared, not copied.
   */
  public PreparedModel withMetadata(ModelMetadata other) {
    return new PreparedModel(id, graph, input, layers, other);
  }
}
