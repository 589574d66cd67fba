package org.lucerna.optvis;

import org.lucerna.model.LayerCatalog;
import org.lucerna.model.LayerInfo;

/**
 * Checks an objective against a model's layers and a batch size before any graph is built, so that a
 * request can be refused with a message that names what is wrong.
 */
public final class ObjectiveCheck {
  private ObjectiveCheck() {}

  /**
   * @throws org.lucerna.model.UnknownLayerException for a layer the model does not have
   * @throws IllegalArgumentException for an index, vector or batch element out of range
   */
  public static void check(Objective objective, LayerCatalog layers, int batch) {
    for (Objective.Weighted w : objective.terms()) {
      Term term = w.term();
      if (w.batch() != null && w.batch() >= batch) {
        throw new IllegalArgumentException(term.describe() + " is on batch element " + w.batch()
            + " but the batch has " + batch + " (0 to " + (batch - 1) + ")");
      }
      if (term.layer() == null) {
        continue;
      }
      LayerInfo layer = layers.get(term.layer());
      if (term instanceof Term.Channel c) {
        checkChannel(c.channel(), layer);
      } else if (term instanceof Term.ClassLogit k) {
        checkChannel(k.index(), layer);
      } else if (term instanceof Term.Neuron n) {
        checkChannel(n.channel(), layer);
      } else if (term instanceof Term.Direction d && d.vector().length != layer.channels()) {
        throw new IllegalArgumentException("layer '" + layer.name() + "' has " + layer.channels()
            + " channels; the direction vector has " + d.vector().length + " values");
      } else if (term instanceof Term.WeightedChannels wc) {
        if (wc.weights()[0].length != layer.channels()) {
          throw new IllegalArgumentException("layer '" + layer.name() + "' has " + layer.channels()
              + " channels; each weights row has " + wc.weights()[0].length + " values");
        }
        if (wc.weights().length != 1 && wc.weights().length != batch) {
          throw new IllegalArgumentException("weights has " + wc.weights().length + " rows; give 1 (for every"
              + " batch element) or " + batch + " (one per batch element)");
        }
      }
      if (term instanceof Term.Neuron n && !layer.spatial() && n.x() != null && (n.x() > 0 || n.y() > 0)) {
        throw new IllegalArgumentException("layer '" + layer.name() + "' is dense: a neuron's position is 0,0");
      }
    }
  }

  static void checkChannel(int channel, LayerInfo layer) {
    if (channel >= layer.channels()) {
      throw new IllegalArgumentException("layer '" + layer.name() + "' has " + layer.channels()
          + " channels (0 to " + (layer.channels() - 1) + "); got channel " + channel);
    }
  }
}
