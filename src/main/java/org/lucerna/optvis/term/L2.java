package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Euclidean distance of the image from {@code constant}: a penalty, use a negative weight. */
public record L2(double constant) implements Term {
  public static final TermKind KIND =
      new TermKind("l2", List.of("constant"), f -> new L2(f.number("constant", 0)));

  @Override
  public String layer() {
    return null;
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeNumberField("constant", constant);
  }

  @Override
  public TermGraph graph() {
    return new Graph();
  }

  @Override
  public String describe() {
    return "L2[" + Term.format(constant) + "]";
  }

  record Graph() implements TermGraph {
    @Override
    public String layer() {
      return null;
    }

    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      Placeholder<TFloat32> constant = s.input("constant", Shape.scalar());
      String name = Feeds.name(constant);
      Operand<TFloat32> squares =
          t.reduceSum(
              t.math.square(t.math.sub(s.image(), constant)), t.constant(new int[] {1, 2, 3}));
      Operand<TFloat32> values = t.math.sqrt(t.math.add(squares, t.constant(1e-6f)));
      return new Built(
          values,
          (term, feeds) -> feeds.put(name, TFloat32.scalarOf((float) ((L2) term).constant())));
    }
  }
}
