package org.lucerna.optvis.term;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/** Negated similarity of Gram matrices across the batch: maximizing it makes the batch diverse. */
public record Diversity(String layer) implements WholeLayerTerm {

  @Override
  public Term withLayer(String other) {
    return new Diversity(other);
  }

  public static final TermKind KIND =
      new TermKind("diversity", List.of("layer"), f -> new Diversity(f.layer()));

  public Diversity {
    TermChecks.requireLayer(layer);
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public TermGraph graph() {
    return new Graph(layer);
  }

  /**
   * −Σ_{c≠b} ⟨Ĝ_b, Ĝ_c⟩ / B with Ĝ the Frobenius-normalized Gram matrix of each element's
   * activations.
   */
  record Graph(String layer) implements TermGraph {
    @Override
    public Built build(Scope s) {
      s.requireNoCrops("diversity");
      Ops t = s.tf();
      int batch = s.batch();
      Operand<TFloat32> a = s.activations();
      Operand<TFloat32> flat =
          t.reshape(a, t.constant(new int[] {batch, -1, (int) a.shape().get(3)}));
      Operand<TFloat32> gram =
          t.scope()
              .opBuilder("BatchMatMulV2", "gram")
              .addInput(flat.asOutput())
              .addInput(flat.asOutput())
              .setAttr("adj_x", true)
              .setAttr("adj_y", false)
              .build()
              .<TFloat32>output(0);
      Operand<TFloat32> rows = t.reshape(gram, t.constant(new int[] {batch, -1}));
      Operand<TFloat32> norm =
          t.math.sqrt(
              t.math.add(
                  t.reduceSum(t.math.square(rows), t.constant(1), ReduceSum.keepDims(true)),
                  t.constant(1e-12f)));
      Operand<TFloat32> unit = t.math.div(rows, norm);
      Operand<TFloat32> sims = t.linalg.matMul(unit, unit, MatMul.transposeB(true));
      Operand<TFloat32> self = t.math.mul(sims, t.constant(identity(batch)));
      Operand<TFloat32> others = t.reduceSum(t.math.sub(sims, self), t.constant(1));
      return new Built(t.math.div(t.math.neg(others), t.constant((float) batch)));
    }

    private static float[][] identity(int n) {
      float[][] m = new float[n][n];
      for (int i = 0; i < n; i++) {
        m[i][i] = 1f;
      }
      return m;
    }
  }
}
