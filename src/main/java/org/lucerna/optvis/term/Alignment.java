package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Negated distance between neighbouring batch elements' activations: they come to look alike. */
public record Alignment(String layer, double decay) implements Term {

  @Override
  public Term withLayer(String other) {
    return new Alignment(other, decay);
  }

  public static final TermKind KIND =
      new TermKind(
          "alignment",
          List.of("layer", "decay"),
          f -> new Alignment(f.layer(), f.number("decay", 2)));

  public Alignment {
    TermChecks.requireLayer(layer);
    if (!(decay > 0)) {
      throw new IllegalArgumentException("alignment decay must be positive, got " + decay);
    }
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("layer", layer);
    g.writeNumberField("decay", decay);
  }

  @Override
  public TermGraph graph() {
    return new Graph(layer);
  }

  @Override
  public String describe() {
    return "Alignment[" + layer + ", decay " + Term.format(decay) + "]";
  }

  /** −Σ_{d=1..4} mean((A[b]−A[b+d])²)/decay^d, over the neighbours b+d inside the batch. */
  record Graph(String layer) implements TermGraph {
    @Override
    public Built build(Scope s) {
      s.requireNoCrops("alignment");
      Ops t = s.tf();
      int batch = s.batch();
      Operand<TFloat32> a = s.activations();
      Placeholder<TFloat32> decay = s.input("decay", Shape.scalar());
      String decayName = Feeds.name(decay);
      Operand<TFloat32> sum = t.fill(t.constant(new int[] {batch}), t.constant(0f));
      for (int d = 1; d <= Math.min(4, batch - 1); d++) {
        Operand<TFloat32> head =
            t.slice(
                a,
                t.constant(new int[] {0, 0, 0, 0}),
                t.constant(new int[] {batch - d, -1, -1, -1}));
        Operand<TFloat32> tail =
            t.slice(
                a,
                t.constant(new int[] {d, 0, 0, 0}),
                t.constant(new int[] {batch - d, -1, -1, -1}));
        Operand<TFloat32> dist =
            t.math.mean(t.math.square(t.math.sub(head, tail)), t.constant(new int[] {1, 2, 3}));
        Operand<TFloat32> padded = t.pad(dist, t.constant(new int[][] {{0, d}}), t.constant(0f));
        Operand<TFloat32> scale = t.math.pow(decay, t.constant((float) d));
        sum = t.math.add(sum, t.math.div(padded, scale));
      }
      return new Built(
          t.math.neg(sum),
          (term, feeds) ->
              feeds.put(decayName, TFloat32.scalarOf((float) ((Alignment) term).decay())));
    }
  }
}
