package org.lucerna.optvis;

/**
 * What a render maximizes. Every objective is "higher is better"; penalties enter with a negative
 * weight, and only the plan turns the total into a loss.
 */
public sealed interface Objective {

  /** The layer whose activations the objective reads. */
  String layer();

  /** A description computed from the fields, for job documents and logs. */
  String describe();

  /** The mean activation of one channel of a layer over all positions. */
  record Channel(String layer, int channel) implements Objective {
    public Channel {
      if (channel < 0) {
        throw new IllegalArgumentException("channel must be at least 0, got " + channel);
      }
    }

    @Override
    public String describe() {
      return "Channel[" + layer + ", " + channel + "]";
    }
  }
}
