package org.lucerna.optvis;

import java.util.List;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.term.TermGraph;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.TransformSpec;

/**
 * The structure of a render: everything that shapes the graph. Renders with equal specs on the same
 * model share a plan; everything else about them (weights, channels, seed, learning rate, random
 * draws) is fed.
 *
 * @param fit how the transformed image meets a model with a fixed input size (ignored otherwise)
 * @param normalizeGradient divide the image's gradient by its L2 norm per batch element before it
 *     reaches the parameters
 * @param redirectedRelu use Lucid's redirected ReLU gradient for the first {@link
 *     Plan#REDIRECTED_STEPS} steps, so that units that start dead can wake up
 * @param optimizer the update rule
 */
public record PlanSpec(
    int height,
    int width,
    int batch,
    List<TermGraph> terms,
    ParamSpec param,
    List<TransformSpec> transforms,
    FitMode fit,
    boolean normalizeGradient,
    boolean redirectedRelu,
    Optimizer optimizer) {

  public PlanSpec {
    java.util.Objects.requireNonNull(optimizer, "optimizer");
    if (height < 1 || width < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "image must be at least 1×1×1, got " + batch + "×" + height + "×" + width);
    }
    terms = List.copyOf(terms);
    transforms = List.copyOf(transforms);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a plan needs at least one objective term");
    }
  }

  /**
   * The spec that renders {@code objective} on {@code batch} images of {@code height}×{@code
   * width}, with the default parametrization (Fourier, decorrelated, sigmoid), no transforms,
   * images resized to a fixed model input, and the plain gradient.
   */
  public static PlanSpec of(int height, int width, int batch, Objective objective) {
    return new PlanSpec(
        height,
        width,
        batch,
        shapes(objective),
        ParamSpec.DEFAULT,
        List.of(),
        FitMode.RESIZE,
        false,
        false,
        Optimizer.ADAM);
  }

  static List<TermGraph> shapes(Objective objective) {
    return objective.terms().stream().map(t -> t.term().graph()).toList();
  }

  public PlanSpec withParam(ParamSpec p) {
    return new PlanSpec(
        height,
        width,
        batch,
        terms,
        p,
        transforms,
        fit,
        normalizeGradient,
        redirectedRelu,
        optimizer);
  }

  public PlanSpec withTransforms(List<TransformSpec> t) {
    return new PlanSpec(
        height, width, batch, terms, param, t, fit, normalizeGradient, redirectedRelu, optimizer);
  }

  public PlanSpec withFit(FitMode f) {
    return new PlanSpec(
        height,
        width,
        batch,
        terms,
        param,
        transforms,
        f,
        normalizeGradient,
        redirectedRelu,
        optimizer);
  }

  public PlanSpec withNormalizedGradient(boolean n) {
    return new PlanSpec(
        height, width, batch, terms, param, transforms, fit, n, redirectedRelu, optimizer);
  }

  public PlanSpec withRedirectedRelu(boolean r) {
    return new PlanSpec(
        height, width, batch, terms, param, transforms, fit, normalizeGradient, r, optimizer);
  }

  public PlanSpec withOptimizer(Optimizer o) {
    return new PlanSpec(
        height, width, batch, terms, param, transforms, fit, normalizeGradient, redirectedRelu, o);
  }

  /** Whether {@code objective} has the terms this spec was compiled for. */
  public boolean fits(Objective objective) {
    return terms.equals(shapes(objective));
  }
}
