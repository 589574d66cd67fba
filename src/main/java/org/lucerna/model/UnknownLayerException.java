package org.lucerna.model;

import java.util.List;

/**
 * An objective named a layer the model does not have, or a short name that several layers end with.
 */
public final class UnknownLayerException extends RuntimeException {
  private final String layer;
  private final List<String> closest;

  public UnknownLayerException(String model, String layer, List<String> closest) {
    this(
        closest,
        layer,
        "model '"
            + model
            + "' has no layer '"
            + layer
            + "'"
            + (closest.isEmpty() ? "" : "; closest: " + String.join(", ", closest)));
  }

  private UnknownLayerException(List<String> closest, String layer, String message) {
    super(message);
    this.layer = layer;
    this.closest = List.copyOf(closest);
  }

  /** A short name that ends more than one layer's full name: each of {@code matches} would do. */
  public static UnknownLayerException ambiguous(String model, String layer, List<String> matches) {
    return new UnknownLayerException(
        matches,
        layer,
        "model '"
            + model
            + "' has "
            + matches.size()
            + " layers whose names end with '"
            + layer
            + "': "
            + String.join(", ", matches)
            + "; give the full name");
  }

  public String layer() {
    return layer;
  }

  public List<String> closest() {
    return closest;
  }
}
