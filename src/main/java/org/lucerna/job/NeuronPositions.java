package org.lucerna.job;

import java.util.Locale;
import org.lucerna.model.InputSpec;
import org.lucerna.model.LayerShapes;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.SpecFormatException;
import org.lucerna.optvis.transform.FitMode;

/**
 * Tells the objective's terms that depend on their layer's size (neurons at a position) the
 * smallest image the model sees, so that such a request is refused at submit rather than failing in
 * its worker: for a model of fixed input size that is the fitted size, otherwise the smallest size
 * the transforms can give. The terms check themselves.
 */
final class NeuronPositions {
  private final LayerShapes shapes;

  NeuronPositions(LayerShapes shapes) {
    this.shapes = shapes;
  }

  /**
   * @param smallestHeight the smallest image height the transforms can give, before any fit
   * @param smallestWidth the same for the width
   * @throws InvalidJobException naming the term's field, such as {@code objective.terms[1].x}
   */
  void check(
      Objective objective,
      PreparedModel model,
      int smallestHeight,
      int smallestWidth,
      FitMode fit) {
    InputSpec input = model.input();
    if (!objective.needsLayerSizes() || !input.isImage()) {
      return; // shape inference only when a term needs it
    }
    boolean fixed = input.height() > 0 && input.width() > 0;
    int height = fixed ? (int) input.height() : smallestHeight;
    int width = fixed ? (int) input.width() : smallestWidth;
    String seen =
        fixed
            ? "the model's fixed input of "
                + height
                + "×"
                + width
                + " px (fit "
                + fit.name().toLowerCase(Locale.ROOT)
                + ")"
            : "the smallest image the transforms give the model, " + height + "×" + width + " px";
    try {
      objective.checkSizes(model.layers(), layer -> shapes.of(model, layer, height, width), seen);
    } catch (SpecFormatException e) {
      throw new InvalidJobException("objective." + e.field(), e.getMessage());
    }
  }
}
