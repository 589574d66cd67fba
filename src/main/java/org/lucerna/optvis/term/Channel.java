package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.lucerna.model.LayerInfo;

/** Mean over positions of channel {@code channel}. */
public record Channel(String layer, int channel) implements LinearTerm {

  @Override
  public Term withLayer(String other) {
    return new Channel(other, channel);
  }

  public static final TermKind KIND =
      new TermKind(
          "channel", List.of("layer", "channel"), f -> new Channel(f.layer(), f.whole("channel")));

  public Channel {
    TermChecks.requireLayer(layer);
    TermChecks.requireIndex("channel", channel);
  }

  @Override
  public ChannelSpan channelsRead(LayerInfo layer) {
    return ChannelSpan.of(channel);
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("layer", layer);
    g.writeNumberField("channel", channel);
  }

  @Override
  public void check(LayerInfo layer, int batch) {
    TermChecks.checkChannel(channel, layer);
  }

  @Override
  public float[] weights(LayerInfo layer, int batch) {
    return LinearTerm.oneChannel(channel, layer, batch);
  }

  @Override
  public String describe() {
    return "Channel[" + layer + ", " + channel + "]";
  }
}
