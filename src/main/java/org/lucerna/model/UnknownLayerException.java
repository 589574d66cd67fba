package org.lucerna.model;

import java.util.List;

/** An objective named a layer the model does not have. */
public final class UnknownLayerException extends RuntimeException {
  private final String layer;
  private final List<String> closest;

  public UnknownLayerException(String model, String layer, List<String> closest) {
    super(
        "model '"
            + model
            + "' has no layer '"
            + layer
            + "'"
            + (closest.isEmpty() ? "" : "; closest: " + String.join(", ", closest)));
    this.layer = layer;
    this.closest = List.copyOf(closest);
  }

  public String layer() {
    return layer;
  }

  public List<String> closest() {
    return closest;
  }
}
