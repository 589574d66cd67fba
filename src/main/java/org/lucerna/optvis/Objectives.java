package org.lucerna.optvis;

import java.util.List;
import org.lucerna.optvis.term.Alignment;
import org.lucerna.optvis.term.Blur;
import org.lucerna.optvis.term.Channel;
import org.lucerna.optvis.term.ClassLogit;
import org.lucerna.optvis.term.DeepDream;
import org.lucerna.optvis.term.Direction;
import org.lucerna.optvis.term.Diversity;
import org.lucerna.optvis.term.L1;
import org.lucerna.optvis.term.L2;
import org.lucerna.optvis.term.Neuron;
import org.lucerna.optvis.term.TotalVariation;
import org.lucerna.optvis.term.WeightedChannels;

/**
 * Builds objectives, in code or from the short string form. Each factory gives a one-term
 * objective.
 */
public final class Objectives {
  private Objectives() {}

  public static Objective channel(String layer, int channel) {
    return Objective.of(new Channel(layer, channel));
  }

  public static Objective neuron(String layer, int channel) {
    return Objective.of(new Neuron(layer, channel, null, null));
  }

  public static Objective neuron(String layer, int channel, int x, int y) {
    return Objective.of(new Neuron(layer, channel, x, y));
  }

  public static Objective direction(String layer, double[] vector, double cossimPower) {
    return Objective.of(new Direction(layer, vector, cossimPower));
  }

  public static Objective weightedChannels(String layer, double[][] weights) {
    return Objective.of(new WeightedChannels(layer, weights));
  }

  /** Channel {@code a} at batch element 0 blending into channel {@code b} at the last, linearly. */
  public static Objective interpolate(String layer, int channels, int a, int b, int batch) {
    double[][] weights = new double[batch][channels];
    for (int i = 0; i < batch; i++) {
      double t = batch == 1 ? 0 : (double) i / (batch - 1);
      weights[i][a] += 1 - t;
      weights[i][b] += t;
    }
    return weightedChannels(layer, weights);
  }

  public static Objective deepDream(String layer) {
    return Objective.of(new DeepDream(layer));
  }

  public static Objective classLogit(String layer, int index) {
    return Objective.of(new ClassLogit(layer, index));
  }

  public static Objective diversity(String layer) {
    return Objective.of(new Diversity(layer));
  }

  public static Objective alignment(String layer, double decay) {
    return Objective.of(new Alignment(layer, decay));
  }

  public static Objective l1(double constant) {
    return Objective.of(new L1(constant));
  }

  public static Objective l2(double constant) {
    return Objective.of(new L2(constant));
  }

  public static Objective totalVariation() {
    return Objective.of(new TotalVariation());
  }

  public static Objective blur() {
    return Objective.of(new Blur());
  }

  public static Objective caricature(String layer, double cossimPower) {
    return Objective.of(new org.lucerna.optvis.term.Caricature(layer, cossimPower));
  }

  public static Objective startDistance() {
    return Objective.of(new org.lucerna.optvis.term.StartDistance());
  }

  public static Objective sum(List<Objective> objectives) {
    return Objective.sum(objectives);
  }

  /**
   * Parses the short form {@code "layer:channel"} (the layer name may itself contain ':' or '/';
   * the channel is what follows the last ':').
   */
  public static Objective parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "objective is empty; write it as 'layer:channel', e.g. 'mixed4:97'");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "objective '" + text + "' is not of the form 'layer:channel'");
    }
    String layer = text.substring(0, colon).trim();
    String number = text.substring(colon + 1).trim();
    int channel;
    try {
      channel = Integer.parseInt(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "objective '" + text + "': channel '" + number + "' is not a whole number");
    }
    if (channel < 0) {
      throw new IllegalArgumentException("objective '" + text + "': channel must be at least 0");
    }
    return channel(layer, channel);
  }
}
