package org.lucerna.optvis.term;

import java.util.List;
import org.tensorflow.op.Ops;

/** Mean of the squared activations of the whole layer. */
public record DeepDream(String layer) implements WholeLayerTerm {

  @Override
  public Term withLayer(String other) {
    return new DeepDream(other);
  }

  public static final TermKind KIND =
      new TermKind("deepdream", List.of("layer"), f -> new DeepDream(f.layer()));

  public DeepDream {
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

  record Graph(String layer) implements TermGraph {
    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      return new Built(
          t.math.mean(t.math.square(s.activations()), t.constant(new int[] {1, 2, 3})));
    }
  }
}
