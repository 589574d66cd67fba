package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.LayerShapes;
import org.lucerna.optvis.SpecFormatException;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One unit: channel {@code channel} at row {@code x}, column {@code y}; null position is the
 * centre. As in Lucid, {@code x} indexes the layer's rows (axis 1) and {@code y} its columns (axis
 * 2).
 */
public record Neuron(String layer, int channel, Integer x, Integer y) implements Term {

  @Override
  public Term withLayer(String other) {
    return new Neuron(other, channel, x, y);
  }

  public static final TermKind KIND =
      new TermKind(
          "neuron",
          List.of("layer", "channel", "x", "y"),
          f -> new Neuron(f.layer(), f.whole("channel"), f.wholeOrNull("x"), f.wholeOrNull("y")));

  public Neuron {
    TermChecks.requireLayer(layer);
    TermChecks.requireIndex("channel", channel);
    if ((x == null) != (y == null)) {
      throw new IllegalArgumentException("give both x and y, or neither for the centre");
    }
    if (x != null) {
      TermChecks.requireIndex("x", x);
      TermChecks.requireIndex("y", y);
    }
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
    if (x != null) {
      g.writeNumberField("x", x);
      g.writeNumberField("y", y);
    }
  }

  @Override
  public void check(LayerInfo layer, int batch) {
    TermChecks.checkChannel(channel, layer);
    if (!layer.spatial() && x != null && (x > 0 || y > 0)) {
      throw new IllegalArgumentException(
          "layer '" + layer.name() + "' is dense: a neuron's position is 0,0");
    }
  }

  /** A position outside the layer would fail in the worker; the centre always lies inside. */
  @Override
  public boolean needsLayerSize() {
    return x != null;
  }

  @Override
  public void checkSize(LayerInfo layer, LayerShapes.Spatial size, String seen) {
    if (x >= size.height()) {
      throw new SpecFormatException("x", outside("x", x, "rows", layer, size.height(), seen));
    }
    if (y >= size.width()) {
      throw new SpecFormatException("y", outside("y", y, "columns", layer, size.width(), seen));
    }
  }

  private static String outside(
      String axis, int at, String what, LayerInfo layer, int count, String seen) {
    return axis
        + " is "
        + at
        + " but layer '"
        + layer.name()
        + "' has "
        + count
        + " "
        + what
        + (count > 0 ? " (" + axis + " 0 to " + (count - 1) + ")" : "")
        + " at "
        + seen
        + "; "
        + axis
        + " counts "
        + what
        + ", as in Lucid; pick a smaller "
        + axis
        + ", render a larger image or use fewer shrinking transforms";
  }

  @Override
  public TermGraph graph() {
    return new Graph(layer);
  }

  @Override
  public String describe() {
    return "Neuron[" + layer + ", " + channel + (x == null ? "" : " at " + x + "," + y) + "]";
  }

  /** A[b, x, y] · onehot(channel); a fed position of −1 means the centre. */
  record Graph(String layer) implements TermGraph {
    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      int channels = s.layer().channels();
      Placeholder<TInt32> x = s.input("x", TInt32.class, Shape.scalar());
      Placeholder<TInt32> y = s.input("y", TInt32.class, Shape.scalar());
      Placeholder<TFloat32> onehot = s.input("channel", Shape.of(channels));
      String xName = Feeds.name(x);
      String yName = Feeds.name(y);
      String onehotName = Feeds.name(onehot);
      Operand<TInt32> dims = t.shape(s.activations());
      // The centre depends on the layer's size at run time.
      Operand<TInt32> cx =
          t.select(
              t.math.less(x, t.constant(0)),
              t.math.floorDiv(t.gather(dims, t.constant(1), t.constant(0)), t.constant(2)),
              x);
      Operand<TInt32> cy =
          t.select(
              t.math.less(y, t.constant(0)),
              t.math.floorDiv(t.gather(dims, t.constant(2), t.constant(0)), t.constant(2)),
              y);
      Operand<TFloat32> row = t.gather(s.activations(), cx, t.constant(1));
      Operand<TFloat32> unit = t.gather(row, cy, t.constant(1));
      Operand<TFloat32> values = t.reduceSum(t.math.mul(unit, onehot), t.constant(1));
      return new Built(
          values,
          (term, feeds) -> {
            Neuron n = (Neuron) term;
            feeds.put(xName, TInt32.scalarOf(n.x() == null ? -1 : n.x()));
            feeds.put(yName, TInt32.scalarOf(n.y() == null ? -1 : n.y()));
            float[] hot = new float[channels];
            hot[n.channel()] = 1f;
            feeds.put(onehotName, TFloat32.vectorOf(hot));
          });
    }
  }
}
