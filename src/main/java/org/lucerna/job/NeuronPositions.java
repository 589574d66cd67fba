package org.lucerna.job;

import java.util.List;
import java.util.Optional;
import org.lucerna.model.InputSpec;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.LayerShapes;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Term;
import org.lucerna.optvis.transform.FitMode;

/**
 * Checks that every neuron term's explicit position lies inside its layer at every step, so that such a
 * request is refused at submit rather than failing in its worker. As in Lucid, {@code x} indexes the
 * layer's rows (axis 1) and {@code y} its columns (axis 2). The layer is smallest when the image that
 * reaches the model is: for a model of fixed input size that is the fitted size, otherwise the smallest
 * size the transforms can give.
 */
final class NeuronPositions {
  private final LayerShapes shapes;

  NeuronPositions(LayerShapes shapes) {
    this.shapes = shapes;
  }

  /**
   * @param smallestHeight the smallest image height the transforms can give, before any fit
   * @param smallestWidth the same for the width
   * @throws InvalidJobException naming {@code objective.terms[i].x} or {@code .y} and the layer's size
   */
  void check(Objective objective, PreparedModel model, int smallestHeight, int smallestWidth, FitMode fit) {
    List<Objective.Weighted> terms = objective.terms();
    if (terms.stream().noneMatch(w -> w.term() instanceof Term.Neuron n && n.x() != null)) {
      return; // no shape inference for objectives that cannot be out of bounds
    }
    InputSpec input = model.input();
    if (!input.isImage()) {
      return;
    }
    boolean fixed = input.height() > 0 && input.width() > 0;
    int height = fixed ? (int) input.height() : smallestHeight;
    int width = fixed ? (int) input.width() : smallestWidth;
    String seen = fixed
        ? "the model's fixed input of " + height + "×" + width + " px (fit " + fit.name().toLowerCase(java.util.Locale.ROOT) + ")"
        : "the smallest image the transforms give the model, " + height + "×" + width + " px";
    for (int i = 0; i < terms.size(); i++) {
      if (!(terms.get(i).term() instanceof Term.Neuron n) || n.x() == null) {
        continue;
      }
      LayerInfo layer = model.layers().get(n.layer());
      Optional<LayerShapes.Spatial> size = shapes.of(model, layer, height, width);
      if (size.isEmpty()) {
        continue; // a dense layer (checked elsewhere) or one whose size shape inference cannot tell
      }
      String path = "objective.terms[" + i + "]";
      if (n.x() >= size.get().height()) {
        throw new InvalidJobException(path + ".x", outside("x", n.x(), "rows", layer, size.get().height(), seen));
      }
      if (n.y() >= size.get().width()) {
        throw new InvalidJobException(path + ".y", outside("y", n.y(), "columns", layer, size.get().width(), seen));
      }
    }
  }

  private static String outside(String axis, int at, String what, LayerInfo layer, int count, String seen) {
    return axis + " is " + at + " but layer '" + layer.name() + "' has " + count + " " + what
        + (count > 0 ? " (" + axis + " 0 to " + (count - 1) + ")" : "") + " at " + seen + "; " + axis + " counts " + what
        + ", as in Lucid; pick a smaller " + axis + ", render a larger image or use fewer shrinking transforms";
  }
}
