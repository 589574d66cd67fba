package org.lucerna.optvis;

import java.util.List;

/**
 * The structure of a render: everything that shapes the graph. Renders with equal specs on the same
 * model share a plan; everything else about them (weights, channels, seed, learning rate, random draws)
 * is fed.
 */
public record PlanSpec(int height, int width, int batch, List<TermShape> terms) {

  public PlanSpec {
    if (height < 1 || width < 1 || batch < 1) {
      throw new IllegalArgumentException("image must be at least 1×1×1, got " + batch + "×" + height + "×" + width);
    }
    terms = List.copyOf(terms);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a plan needs at least one objective term");
    }
  }

  /** The spec that renders {@code objective} on {@code batch} images of {@code height}×{@code width}. */
  public static PlanSpec of(int height, int width, int batch, Objective objective) {
    return new PlanSpec(height, width, batch, objective.terms().stream().map(t -> TermShape.of(t.term())).toList());
  }
}
