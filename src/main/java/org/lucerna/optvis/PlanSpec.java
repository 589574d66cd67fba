package org.lucerna.optvis;

/**
 * The structure of a render: everything that shapes the graph. Two renders with equal specs on the same
 * model share a plan; everything else about them is fed.
 */
public record PlanSpec(int height, int width, int batch, String layer) {

  public PlanSpec {
    if (height < 1 || width < 1 || batch < 1) {
      throw new IllegalArgumentException("image must be at least 1×1×1, got " + batch + "×" + height + "×" + width);
    }
  }
}
