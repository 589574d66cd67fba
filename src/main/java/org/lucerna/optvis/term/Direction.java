package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.lucerna.model.LayerInfo;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Mean over positions of the activation projected on {@code vector}; with {@code cossimPower > 0}
 * multiplied by the clipped cosine similarity to that power, which favours the direction over mere
 * size.
 */
public record Direction(String layer, double[] vector, double cossimPower) implements Term {

  @Override
  public Term withLayer(String other) {
    return new Direction(other, vector, cossimPower);
  }

  public static final TermKind KIND =
      new TermKind(
          "direction",
          List.of("layer", "vector", "cossimPower"),
          f -> new Direction(f.layer(), f.vector("vector"), f.number("cossimPower", 0)));
  private static final float EPS = 1e-4f;

  public Direction {
    TermChecks.requireLayer(layer);
    if (vector == null || vector.length == 0) {
      throw new IllegalArgumentException("direction needs a vector with one value per channel");
    }
    vector = vector.clone();
    if (cossimPower < 0) {
      throw new IllegalArgumentException("cossimPower must be at least 0, got " + cossimPower);
    }
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("layer", layer);
    g.writeFieldName("vector");
    g.writeArray(vector, 0, vector.length);
    g.writeNumberField("cossimPower", cossimPower);
  }

  @Override
  public void check(LayerInfo layer, int batch) {
    if (vector.length != layer.channels()) {
      throw new IllegalArgumentException(
          "layer '"
              + layer.name()
              + "' has "
              + layer.channels()
              + " channels; the direction vector has "
              + vector.length
              + " values");
    }
  }

  @Override
  public TermGraph graph() {
    return new Graph(layer);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Direction d
        && layer.equals(d.layer)
        && Arrays.equals(vector, d.vector)
        && cossimPower == d.cossimPower;
  }

  @Override
  public int hashCode() {
    return layer.hashCode() * 31 + Arrays.hashCode(vector);
  }

  @Override
  public String describe() {
    return "Direction["
        + layer
        + ", "
        + vector.length
        + " values"
        + (cossimPower > 0 ? ", cossim^" + Term.format(cossimPower) : "")
        + "]";
  }

  /** mean over positions of ⟨A, v⟩ · max(cos(A, v), 0.1)^power. */
  record Graph(String layer) implements TermGraph {
    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      Placeholder<TFloat32> v = s.input("vector", Shape.of(s.layer().channels()));
      Placeholder<TFloat32> power = s.input("cossim_power", Shape.scalar());
      String vName = Feeds.name(v);
      String powerName = Feeds.name(power);
      Operand<TFloat32> a = s.activations();
      Operand<TFloat32> dot = t.reduceSum(t.math.mul(a, v), t.constant(-1));
      Operand<TFloat32> aNorm = t.math.sqrt(t.reduceSum(t.math.square(a), t.constant(-1)));
      Operand<TFloat32> vNorm = t.math.sqrt(t.reduceSum(t.math.square(v), t.constant(0)));
      Operand<TFloat32> cos =
          t.math.div(
              t.math.div(dot, t.math.add(aNorm, t.constant(EPS))),
              t.math.add(vNorm, t.constant(EPS)));
      Operand<TFloat32> factor = t.math.pow(t.math.maximum(cos, t.constant(0.1f)), power);
      Operand<TFloat32> values = t.math.mean(t.math.mul(dot, factor), t.constant(new int[] {1, 2}));
      return new Built(
          values,
          (term, feeds) -> {
            Direction d = (Direction) term;
            feeds.put(vName, TFloat32.vectorOf(TermChecks.toFloats(d.vector())));
            feeds.put(powerName, TFloat32.scalarOf((float) d.cossimPower()));
          });
    }
  }
}
