package org.lucerna.optvis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lucerna.model.ConcatInput;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.term.ChannelSpan;
import org.lucerna.optvis.term.Term;
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
 * @param concatInputs layers read through one of the inputs they concatenate: the layer's name as
 *     the terms give it, and the input's index ({@link #readingConcatInputs})
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
    Optimizer optimizer,
    Map<String, Integer> concatInputs) {

  public PlanSpec {
    java.util.Objects.requireNonNull(optimizer, "optimizer");
    if (height < 1 || width < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "image must be at least 1×1×1, got " + batch + "×" + height + "×" + width);
    }
    terms = List.copyOf(terms);
    transforms = List.copyOf(transforms);
    concatInputs = Collections.unmodifiableSortedMap(new TreeMap<>(concatInputs));
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
        Optimizer.ADAM,
        Map.of());
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
        optimizer,
        concatInputs);
  }

  public PlanSpec withTransforms(List<TransformSpec> t) {
    return new PlanSpec(
        height,
        width,
        batch,
        terms,
        param,
        t,
        fit,
        normalizeGradient,
        redirectedRelu,
        optimizer,
        concatInputs);
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
        optimizer,
        concatInputs);
  }

  public PlanSpec withNormalizedGradient(boolean n) {
    return new PlanSpec(
        height,
        width,
        batch,
        terms,
        param,
        transforms,
        fit,
        n,
        redirectedRelu,
        optimizer,
        concatInputs);
  }

  public PlanSpec withRedirectedRelu(boolean r) {
    return new PlanSpec(
        height,
        width,
        batch,
        terms,
        param,
        transforms,
        fit,
        normalizeGradient,
        r,
        optimizer,
        concatInputs);
  }

  public PlanSpec withOptimizer(Optimizer o) {
    return new PlanSpec(
        height,
        width,
        batch,
        terms,
        param,
        transforms,
        fit,
        normalizeGradient,
        redirectedRelu,
        o,
        concatInputs);
  }

  /**
   * This spec reading, of each layer of {@code model} that concatenates several inputs along its
   * channels, only the input that holds every channel {@code objective}'s terms on it read, where
   * one does. Plans of such specs compute and differentiate that input's branch alone; their
   * objective's values are the same. {@code objective} must have this spec's terms; other
   * objectives that read the same inputs may render on the plan too.
   */
  public PlanSpec readingConcatInputs(PreparedModel model, Objective objective) {
    if (!fits(objective)) {
      throw new IllegalArgumentException(
          "this spec renders " + terms + ", not " + shapes(objective));
    }
    Map<String, ChannelSpan> read = channelsRead(model, objective);
    Map<String, Integer> chosen = new TreeMap<>();
    read.forEach(
        (layer, span) -> {
          List<ConcatInput> inputs = model.concatInputs(model.layers().get(layer));
          for (int k = 0; k < inputs.size(); k++) {
            if (span.within(inputs.get(k).offset(), inputs.get(k).channels())) {
              chosen.put(layer, k);
            }
          }
        });
    return new PlanSpec(
        height,
        width,
        batch,
        terms,
        param,
        transforms,
        fit,
        normalizeGradient,
        redirectedRelu,
        optimizer,
        chosen);
  }

  /** The channels {@code objective} reads of each layer it names, by the layer's name as given. */
  static Map<String, ChannelSpan> channelsRead(PreparedModel model, Objective objective) {
    Map<String, ChannelSpan> read = new LinkedHashMap<>();
    for (Objective.Weighted w : objective.terms()) {
      Term term = w.term();
      if (term.layer() != null) {
        ChannelSpan span = term.channelsRead(model.layers().get(term.layer()));
        read.merge(term.layer(), span, ChannelSpan::union);
      }
    }
    return read;
  }

  /** Whether {@code objective} has the terms this spec was compiled for. */
  public boolean fits(Objective objective) {
    return terms.equals(shapes(objective));
  }
}
