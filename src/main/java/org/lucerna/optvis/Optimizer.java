package org.lucerna.optvis;

import java.util.Locale;

/** The update rule of a render; part of a plan's structure. */
public enum Optimizer {
  /** Adam (β₁ 0.9, β₂ 0.999, ε 1e-8), TensorFlow's ApplyAdam: the default. */
  ADAM,
  /**
   * NAdam as Keras computes it (Dozat's Nesterov-momentum Adam with the momentum schedule {@code
   * μ_t = β₁(1 − 0.5·0.96^{0.004 t})}, ε 1e-7): MACO's optimizer, with learning rate 1.
   */
  NADAM;

  /** The JSON name: {@code adam}, {@code nadam}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The optimizer named {@code name} in JSON, or null. */
  public static Optimizer named(String name) {
    for (Optimizer o : values()) {
      if (o.json().equals(name)) {
        return o;
      }
    }
    return null;
  }
}
