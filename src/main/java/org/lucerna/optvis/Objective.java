package org.lucerna.optvis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a render maximizes: a weighted sum of {@link Term}s, each optionally restricted to one element of
 * the batch. Objectives are immutable values that add, subtract, negate and scale; a plan compiles the
 * terms once and feeds their weights and arguments, so the weights are not part of a plan's structure.
 */
public final class Objective {

  /** A term with its weight, on every batch element ({@code batch == null}) or on one. */
  public record Weighted(double weight, Integer batch, Term term) {
    public Weighted {
      if (!Double.isFinite(weight)) {
        throw new IllegalArgumentException("weight must be a finite number, got " + weight);
      }
      if (batch != null && batch < 0) {
        throw new IllegalArgumentException("batch must be at least 0, got " + batch);
      }
    }
  }

  private final List<Weighted> terms;

  private Objective(List<Weighted> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("an objective needs at least one term");
    }
    this.terms = List.copyOf(terms);
  }

  public static Objective of(Term term) {
    return new Objective(List.of(new Weighted(1, null, term)));
  }

  public static Objective of(List<Weighted> terms) {
    return new Objective(terms);
  }

  /** The sum of {@code objectives}. */
  public static Objective sum(List<Objective> objectives) {
    List<Weighted> all = new ArrayList<>();
    objectives.forEach(o -> all.addAll(o.terms));
    return new Objective(all);
  }

  public List<Weighted> terms() {
    return terms;
  }

  public Objective plus(Objective other) {
    return sum(List.of(this, other));
  }

  public Objective plus(double number) {
    return plus(of(new Term.Constant(number)));
  }

  public Objective minus(Objective other) {
    return plus(other.negate());
  }

  public Objective minus(double number) {
    return plus(-number);
  }

  public Objective negate() {
    return times(-1);
  }

  public Objective times(double factor) {
    return new Objective(terms.stream().map(t -> new Weighted(t.weight() * factor, t.batch(), t.term())).toList());
  }

  public Objective dividedBy(double divisor) {
    return times(1 / divisor);
  }

  /** This objective on batch element {@code index} only. */
  public Objective onBatch(int index) {
    return new Objective(terms.stream().map(t -> new Weighted(t.weight(), index, t.term())).toList());
  }

  /** The layers the terms read, in order of first use. */
  public Set<String> layers() {
    Set<String> layers = new LinkedHashSet<>();
    terms.stream().map(t -> t.term().layer()).filter(l -> l != null).forEach(layers::add);
    return layers;
  }

  /** For example {@code Channel[mixed4, 97] − 100 × Diversity[mixed5]}. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    for (Weighted t : terms) {
      // A constant reads as its signed value, not as weight × value.
      double w = t.term() instanceof Term.Constant c ? t.weight() * c.value() : t.weight();
      if (s.length() == 0) {
        s.append(w < 0 ? "−" : "");
      } else {
        s.append(w < 0 ? " − " : " + ");
      }
      double size = Math.abs(w);
      if (t.term() instanceof Term.Constant) {
        s.append(Term.fmt(size));
      } else {
        if (size != 1) {
          s.append(Term.fmt(size)).append(" × ");
        }
        s.append(t.term().describe());
      }
      if (t.batch() != null) {
        s.append(" @batch ").append(t.batch());
      }
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Objective other && terms.equals(other.terms);
  }

  @Override
  public int hashCode() {
    return terms.hashCode();
  }

  @Override
  public String toString() {
    return describe();
  }
}
