package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** A number: lets objectives be shifted (it has no gradient). */
public record Constant(double value) implements ImageTerm {
  public static final TermKind KIND =
      new TermKind("constant", List.of("value"), f -> new Constant(f.number("value")));

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeNumberField("value", value);
  }

  @Override
  public TermGraph graph() {
    return new Graph();
  }

  @Override
  public String describe() {
    return Term.format(value);
  }

  record Graph() implements ImageTerm.Graph {
    @Override
    public boolean readsImage() {
      return false;
    }

    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      Placeholder<TFloat32> value = s.input("value", Shape.scalar());
      String name = Feeds.name(value);
      Operand<TFloat32> values = t.fill(t.constant(new int[] {s.batch()}), value);
      return new Built(
          values,
          (term, feeds) -> feeds.put(name, TFloat32.scalarOf((float) ((Constant) term).value())));
    }
  }
}
