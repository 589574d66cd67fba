package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Total variation of the image: a penalty, use a negative weight. */
public record TotalVariation() implements ImageTerm {
  public static final TermKind KIND =
      new TermKind("total_variation", List.of(), f -> new TotalVariation());

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) {}

  @Override
  public TermGraph graph() {
    return new Graph();
  }

  @Override
  public String describe() {
    return "TotalVariation";
  }

  /** Σ|x[i+1, j] − x[i, j]| + Σ|x[i, j+1] − x[i, j]| per batch element. */
  record Graph() implements ImageTerm.Graph {
    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      Operand<TFloat32> image = s.image();
      Operand<TFloat32> dh =
          t.math.sub(
              t.stridedSlice(image, Indices.all(), Indices.sliceFrom(1)),
              t.stridedSlice(image, Indices.all(), Indices.sliceTo(-1)));
      Operand<TFloat32> dw =
          t.math.sub(
              t.stridedSlice(image, Indices.all(), Indices.all(), Indices.sliceFrom(1)),
              t.stridedSlice(image, Indices.all(), Indices.all(), Indices.sliceTo(-1)));
      return new Built(
          t.math.add(
              t.reduceSum(t.math.abs(dh), t.constant(new int[] {1, 2, 3})),
              t.reduceSum(t.math.abs(dw), t.constant(new int[] {1, 2, 3}))));
    }
  }
}
