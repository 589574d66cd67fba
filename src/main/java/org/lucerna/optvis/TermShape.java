package org.lucerna.optvis;

/**
 * What a term contributes to a plan's structure: its kind and the layer it reads. Weights, channel
 * indices, vectors, positions and constants are not part of it; they are fed.
 */
public record TermShape(Kind kind, String layer) {

  public enum Kind {
    /** Channel, class logit and weighted channels: a fed weight row over the mean channel activations. */
    LINEAR,
    NEURON,
    DIRECTION,
    DEEP_DREAM,
    DIVERSITY,
    ALIGNMENT,
    L1,
    L2,
    TOTAL_VARIATION,
    BLUR,
    CONSTANT
  }

  public static TermShape of(Term term) {
    Kind kind;
    if (term instanceof Term.Channel || term instanceof Term.ClassLogit || term instanceof Term.WeightedChannels) {
      kind = Kind.LINEAR;
    } else if (term instanceof Term.Neuron) {
      kind = Kind.NEURON;
    } else if (term instanceof Term.Direction) {
      kind = Kind.DIRECTION;
    } else if (term instanceof Term.DeepDream) {
      kind = Kind.DEEP_DREAM;
    } else if (term instanceof Term.Diversity) {
      kind = Kind.DIVERSITY;
    } else if (term instanceof Term.Alignment) {
      kind = Kind.ALIGNMENT;
    } else if (term instanceof Term.L1) {
      kind = Kind.L1;
    } else if (term instanceof Term.L2) {
      kind = Kind.L2;
    } else if (term instanceof Term.TotalVariation) {
      kind = Kind.TOTAL_VARIATION;
    } else if (term instanceof Term.Blur) {
      kind = Kind.BLUR;
    } else {
      kind = Kind.CONSTANT;
    }
    return new TermShape(kind, term.layer());
  }

  /** Whether the term's value depends on the image at all (a constant alone has no gradient). */
  public boolean dependsOnImage() {
    return kind != Kind.CONSTANT;
  }
}
