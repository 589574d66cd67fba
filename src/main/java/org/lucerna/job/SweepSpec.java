package org.lucerna.job;

import java.util.List;
import java.util.Locale;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;

/**
 * A sweep as asked for, normalized: which units of one layer, and the render every one of them
 * gets.
 *
 * @param render the render of one unit on its own, as a job of batch 1 would ask for it; its
 *     objective is the first channel's, and each channel's own spec is {@link #single(int)}
 */
public record SweepSpec(String layer, Kind kind, List<Integer> channels, JobSpec render) {

  public SweepSpec {
    channels = List.copyOf(channels);
  }

  /** What of each channel is maximized. */
  public enum Kind {
    /** The channel's mean activation. */
    CHANNEL,
    /** The channel's unit at the centre of the layer. */
    NEURON;

    public static Kind parse(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }

    Objective objective(String layer, int channel) {
      return this == CHANNEL
          ? Objectives.channel(layer, channel)
          : Objectives.neuron(layer, channel);
    }
  }

  /**
   * The job that renders channel {@code c} on its own. Its fingerprint is the channel's recipe: a
   * sweep's image of the channel is a render of exactly this spec (see {@link SweepService}).
   */
  public JobSpec single(int c) {
    return render.withObjective(kind.objective(layer, c), 1, false);
  }

  /** This sweep on model version {@code v}. */
  SweepSpec withVersion(long v) {
    return new SweepSpec(layer, kind, channels, render.withVersion(v));
  }
}
