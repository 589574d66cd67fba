package org.lucerna.optvis.term;

import org.lucerna.model.LayerInfo;

/** Channels {@code from} (inclusive) to {@code to} (exclusive) of one layer. */
public record ChannelSpan(int from, int to) {

  public ChannelSpan {
    if (from < 0 || to <= from) {
      throw new IllegalArgumentException("not a span of channels: [" + from + ", " + to + ")");
    }
  }

  public static ChannelSpan of(int channel) {
    return new ChannelSpan(channel, channel + 1);
  }

  public static ChannelSpan all(LayerInfo layer) {
    return new ChannelSpan(0, layer.channels());
  }

  /** The smallest span holding both. */
  public ChannelSpan union(ChannelSpan other) {
    return new ChannelSpan(Math.min(from, other.from), Math.max(to, other.to));
  }

  /** Whether every channel of this span is among the {@code width} channels from {@code offset}. */
  public boolean within(int offset, int width) {
    return from >= offset && to <= offset + width;
  }

  @Override
  public String toString() {
    return to == from + 1 ? "channel " + from : "channels " + from + " to " + (to - 1);
  }
}
