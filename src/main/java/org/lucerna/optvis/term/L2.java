package org.lucerna.optvis.term;

import java.util.List;

/** Euclidean distance of the image from {@code constant}: a penalty, use a negative weight. */
public record L2(double constant) implements ImageDistance {
  public static final TermKind KIND =
      new TermKind("l2", List.of("constant"), f -> new L2(f.number("constant", 0)));

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public TermGraph graph() {
    return new Graph();
  }

  /** The small epsilon keeps the square root's gradient finite where the image equals the level. */
  record Graph() implements ImageTerm.Graph {
    @Override
    public Built build(Scope s) {
      return ImageDistance.build(
          s,
          (t, d) ->
              t.math.sqrt(
                  t.math.add(
                      t.reduceSum(t.math.square(d), t.constant(new int[] {1, 2, 3})),
                      t.constant(1e-6f))));
    }
  }
}
