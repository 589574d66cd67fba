package org.lucerna.optvis;

import java.util.Arrays;
import java.util.Locale;

/**
 * One kind of thing a render can maximize, with its arguments. Terms read a layer's activations, or
 * (the image penalties) the image itself. Every term is "higher is better"; penalties are meant to enter
 * an objective with a negative weight. A dense layer {@code [B, C]} reads as {@code [B, 1, 1, C]}.
 */
public sealed interface Term {

  /** The layer read, or null for terms on the image. */
  String layer();

  String describe();

  /** Mean over positions of channel {@code channel}. */
  record Channel(String layer, int channel) implements Term {
    public Channel {
      requireLayer(layer);
      requireIndex("channel", channel);
    }

    @Override
    public String describe() {
      return "Channel[" + layer + ", " + channel + "]";
    }
  }

  /** One unit: channel {@code channel} at row {@code x}, column {@code y}; null position is the centre. */
  record Neuron(String layer, int channel, Integer x, Integer y) implements Term {
    public Neuron {
      requireLayer(layer);
      requireIndex("channel", channel);
      if ((x == null) != (y == null)) {
        throw new IllegalArgumentException("give both x and y, or neither for the centre");
      }
      if (x != null) {
        requireIndex("x", x);
        requireIndex("y", y);
      }
    }

    @Override
    public String describe() {
      return "Neuron[" + layer + ", " + channel + (x == null ? "" : " at " + x + "," + y) + "]";
    }
  }

  /**
   * Mean over positions of the activation projected on {@code vector}; with {@code cossimPower > 0}
   * multiplied by the clipped cosine similarity to that power, which favours the direction over mere size.
   */
  record Direction(String layer, double[] vector, double cossimPower) implements Term {
    public Direction {
      requireLayer(layer);
      if (vector == null || vector.length == 0) {
        throw new IllegalArgumentException("direction needs a vector with one value per channel");
      }
      vector = vector.clone();
      if (cossimPower < 0) {
        throw new IllegalArgumentException("cossimPower must be at least 0, got " + cossimPower);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Direction d && layer.equals(d.layer) && Arrays.equals(vector, d.vector)
          && cossimPower == d.cossimPower;
    }

    @Override
    public int hashCode() {
      return layer.hashCode() * 31 + Arrays.hashCode(vector);
    }

    @Override
    public String describe() {
      return "Direction[" + layer + ", " + vector.length + " values"
          + (cossimPower > 0 ? ", cossim^" + fmt(cossimPower) : "") + "]";
    }
  }

  /**
   * A weighted sum of the layer's mean channel activations, one row of weights per batch element (a single
   * row applies to all): channel interpolation, one channel per batch element, linear directions.
   */
  record WeightedChannels(String layer, double[][] weights) implements Term {
    public WeightedChannels {
      requireLayer(layer);
      if (weights == null || weights.length == 0 || weights[0].length == 0) {
        throw new IllegalArgumentException("weights needs at least one row of one value per channel");
      }
      double[][] copy = new double[weights.length][];
      for (int i = 0; i < weights.length; i++) {
        if (weights[i].length != weights[0].length) {
          throw new IllegalArgumentException("every row of weights must have " + weights[0].length + " values");
        }
        copy[i] = weights[i].clone();
      }
      weights = copy;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WeightedChannels w && layer.equals(w.layer) && Arrays.deepEquals(weights, w.weights);
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

  /** Mean of the squared activations of the whole layer. */
  record DeepDream(String layer) implements Term {
    public DeepDream {
      requireLayer(layer);
    }

    @Override
    public String describe() {
      return "DeepDream[" + layer + "]";
    }
  }

  /** The logit of class {@code index}: a channel of a dense layer. */
  record ClassLogit(String layer, int index) implements Term {
    public ClassLogit {
      requireLayer(layer);
      requireIndex("class index", index);
    }

    @Override
    public String describe() {
      return "ClassLogit[" + layer + ", " + index + "]";
    }
  }

  /** Negated similarity of Gram matrices across the batch: maximizing it makes the batch diverse. */
  record Diversity(String layer) implements Term {
    public Diversity {
      requireLayer(layer);
    }

    @Override
    public String describe() {
      return "Diversity[" + layer + "]";
    }
  }

  /** Negated distance between neighbouring batch elements' activations: they come to look alike. */
  record Alignment(String layer, double decay) implements Term {
    public Alignment {
      requireLayer(layer);
      if (!(decay > 0)) {
        throw new IllegalArgumentException("alignment decay must be positive, got " + decay);
      }
    }

    @Override
    public String describe() {
      return "Alignment[" + layer + ", decay " + fmt(decay) + "]";
    }
  }

  /** Sum of absolute differences of the image from {@code constant}: a penalty, use a negative weight. */
  record L1(double constant) implements Term {
    @Override
    public String layer() {
      return null;
    }

    @Override
    public String describe() {
      return "L1[" + fmt(constant) + "]";
    }
  }

  /** Euclidean distance of the image from {@code constant}: a penalty, use a negative weight. */
  record L2(double constant) implements Term {
    @Override
    public String layer() {
      return null;
    }

    @Override
    public String describe() {
      return "L2[" + fmt(constant) + "]";
    }
  }

  /** Total variation of the image: a penalty, use a negative weight. */
  record TotalVariation() implements Term {
    @Override
    public String layer() {
      return null;
    }

    @Override
    public String describe() {
      return "TotalVariation";
    }
  }

  /** Distance of the image from a blurred copy of itself: a penalty, use a negative weight. */
  record Blur() implements Term {
    @Override
    public String layer() {
      return null;
    }

    @Override
    public String describe() {
      return "Blur";
    }
  }

  /** A number: lets objectives be shifted (it has no gradient). */
  record Constant(double value) implements Term {
    @Override
    public String layer() {
      return null;
    }

    @Override
    public String describe() {
      return fmt(value);
    }
  }

  private static void requireLayer(String layer) {
    if (layer == null || layer.isBlank()) {
      throw new IllegalArgumentException("layer is required");
    }
  }

  private static void requireIndex(String what, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be at least 0, got " + value);
    }
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%g", v);
  }
}
