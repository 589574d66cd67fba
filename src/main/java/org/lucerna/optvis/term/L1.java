package org.lucerna.optvis.term;

import java.util.List;

/**
 * Sum of absolute differences of the image from {@code constant}: a penalty, use a negative weight.
 */
public record L1(double constant) implements ImageDistance {
  public static final TermKind KIND =
      new TermKind("l1", List.of("constant"), f -> new L1(f.number("constant", 0)));

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public TermGraph graph() {
    return new Graph();
  }

  record Graph() implements ImageTerm.Graph {
    @Override
    public Built build(Scope s) {
      return ImageDistance.build(
          s, (t, d) -> t.reduceSum(t.math.abs(d), t.constant(new int[] {1, 2, 3})));
    }
  }
}
