package org.lucerna.optvis;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.lucerna.model.LayerCatalog;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.LayerShapes;
import org.lucerna.optvis.term.Constant;
import org.lucerna.optvis.term.Term;

/**
 * What a render maximizes: a weighted sum of {@link Term}s, each optionally restricted to one
 * element of the batch. Objectives are immutable values that add, subtract, negate and scale; a
 * plan compiles the terms once and feeds their weights and arguments, so the weights are not part
 * of a plan's structure.
 *
 * <p>As JSON an objective is the short string {@code "mixed4:97"} or the structured form, a
 * weighted sum of terms, which is how it is written (see {@link ObjectiveFormat}).
 */
@JsonDeserialize(using = ObjectiveFormat.Reader.class)
@JsonSerialize(using = ObjectiveFormat.Writer.class)
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

  /**
   * {@code objective}, which a request must give.
   *
   * @throws SpecFormatException naming {@code objective} when it is null
   */
  public static Objective required(Objective objective) {
    if (objective == null) {
      throw new SpecFormatException("objective", ObjectiveFormat.REQUIRED);
    }
    return objective;
  }

  public Objective plus(double number) {
    return plus(of(new Constant(number)));
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
    return new Objective(
        terms.stream().map(t -> new Weighted(t.weight() * factor, t.batch(), t.term())).toList());
  }

  public Objective dividedBy(double divisor) {
    return times(1 / divisor);
  }

  /** This objective on batch element {@code index} only. */
  public Objective onBatch(int index) {
    return new Objective(
        terms.stream().map(t -> new Weighted(t.weight(), index, t.term())).toList());
  }

  /** This objective with each term's layer name replaced by {@code rename}'s answer for it. */
  public Objective withLayerNames(java.util.function.UnaryOperator<String> rename) {
    return new Objective(
        terms.stream()
            .map(
                t ->
                    new Weighted(
                        t.weight(),
                        t.batch(),
                        t.term().layer() == null
                            ? t.term()
                            : t.term().withLayer(rename.apply(t.term().layer()))))
            .toList());
  }

  /** The layers the terms read, in order of first use. */
  public Set<String> layers() {
    Set<String> layers = new LinkedHashSet<>();
    terms.stream().map(t -> t.term().layer()).filter(l -> l != null).forEach(layers::add);
    return layers;
  }

  /**
   * Checks the objective against a model's layers and a batch size before any graph is built, so
   * that a request can be refused with a message that names what is wrong.
   *
   * @throws org.lucerna.model.UnknownLayerException for a layer the model does not have
   * @throws IllegalArgumentException for an index, vector or batch element out of range
   */
  public void check(LayerCatalog layers, int batch) {
    for (Weighted w : terms) {
      if (w.batch() != null && w.batch() >= batch) {
        throw new IllegalArgumentException(
            w.term().describe()
                + " is on batch element "
                + w.batch()
                + " but the batch has "
                + batch
                + " (0 to "
                + (batch - 1)
                + ")");
      }
      w.term().check(w.term().layer() == null ? null : layers.get(w.term().layer()), batch);
    }
  }

  /**
   * Whether {@link #checkSizes} has anything to check: telling a layer's size takes shape
   * inference.
   */
  public boolean needsLayerSizes() {
    return terms.stream().anyMatch(w -> w.term().needsLayerSize());
  }

  /**
   * Checks the terms that depend on their layer's height and width (a neuron at a position) against
   * the smallest image the model sees.
   *
   * @param sizes a layer's size at that image, or empty when shape inference cannot tell
   * @param seen that image, as the messages describe it
   * @throws SpecFormatException naming the field below the objective, such as {@code terms[1].x}
   */
  public void checkSizes(
      LayerCatalog layers, Function<LayerInfo, Optional<LayerShapes.Spatial>> sizes, String seen) {
    for (int i = 0; i < terms.size(); i++) {
      Term term = terms.get(i).term();
      if (!term.needsLayerSize()) {
        continue;
      }
      LayerInfo layer = layers.get(term.layer());
      Optional<LayerShapes.Spatial> size = sizes.apply(layer);
      try {
        size.ifPresent(s -> term.checkSize(layer, s, seen));
      } catch (SpecFormatException e) {
        throw new SpecFormatException("terms[" + i + "]." + e.field(), e.getMessage());
      }
    }
  }

  /** For example {@code Channel[mixed4, 97] − 100 × Diversity[mixed5]}. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    for (Weighted t : terms) {
      // A constant reads as its signed value, not as weight × value.
      double w = t.term() instanceof Constant c ? t.weight() * c.value() : t.weight();
      if (s.length() == 0) {
        s.append(w < 0 ? "−" : "");
      } else {
        s.append(w < 0 ? " − " : " + ");
      }
      double size = Math.abs(w);
      if (t.term() instanceof Constant) {
        s.append(Term.format(size));
      } else {
        if (size != 1) {
          s.append(Term.format(size)).append(" × ");
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
