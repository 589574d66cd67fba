package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.lucerna.model.LayerInfo;

/**
 * A weighted sum of the layer's mean channel activations, one row of weights per batch element (a
 * single row applies to all): channel interpolation, one channel per batch element, linear
 * directions.
 */
public record WeightedChannels(String layer, double[][] weights) implements LinearTerm {

  @Override
  public Term withLayer(String other) {
    return new WeightedChannels(other, weights);
  }

  public static final TermKind KIND =
      new TermKind(
          "weighted_channels",
          List.of("layer", "weights"),
          f -> new WeightedChannels(f.layer(), f.matrix("weights")));

  public WeightedChannels {
    TermChecks.requireLayer(layer);
    if (weights == null || weights.length == 0 || weights[0].length == 0) {
      throw new IllegalArgumentException("weights needs at least one row of one value per channel");
    }
    double[][] copy = new double[weights.length][];
    for (int i = 0; i < weights.length; i++) {
      if (weights[i].length != weights[0].length) {
        throw new IllegalArgumentException(
            "every row of weights must have " + weights[0].length + " values");
      }
      copy[i] = weights[i].clone();
    }
    weights = copy;
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("layer", layer);
    g.writeArrayFieldStart("weights");
    for (double[] row : weights) {
      g.writeArray(row, 0, row.length);
    }
    g.writeEndArray();
  }

  @Override
  public void check(LayerInfo layer, int batch) {
    if (weights[0].length != layer.channels()) {
      throw new IllegalArgumentException(
          "layer '"
              + layer.name()
              + "' has "
              + layer.channels()
              + " channels; each weights row has "
              + weights[0].length
              + " values");
    }
    if (weights.length != 1 && weights.length != batch) {
      throw new IllegalArgumentException(
          "weights has "
              + weights.length
              + " rows; give 1 (for every"
              + " batch element) or "
              + batch
              + " (one per batch element)");
    }
  }

  @Override
  public float[] weights(LayerInfo layer, int batch) {
    int channels = layer.channels();
    float[] w = new float[batch * channels];
    for (int b = 0; b < batch; b++) {
      double[] row = weights[weights.length == 1 ? 0 : b];
      for (int c = 0; c < channels; c++) {
        w[b * channels + c] = (float) row[c];
      }
    }
    return w;
  }

  /** The channels with a weight other than 0 in any row; the whole layer when every weight is 0. */
  @Override
  public ChannelSpan channelsRead(LayerInfo layer) {
    ChannelSpan span = null;
    for (double[] row : weights) {
      for (int c = 0; c < row.length; c++) {
        if (row[c] != 0) {
          span = span == null ? ChannelSpan.of(c) : span.union(ChannelSpan.of(c));
        }
      }
    }
    return span == null ? ChannelSpan.all(layer) : span;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeightedChannels w
        && layer.equals(w.layer)
        && Arrays.deepEquals(weights, w.weights);
  }

  @Override
  public int hashCode() {
    return layer.hashCode() * 31 + Arrays.deepHashCode(weights);
  }

  @Override
  public String describe() {
    return "WeightedChannels[" + layer + ", " + weights.length + "×" + weights[0].length + "]";
  }
}
