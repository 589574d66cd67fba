package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A penalty on the image's distance from a constant gray level. The level is fed at each step, so
 * penalties that differ only in their level share a plan.
 */
interface ImageDistance extends ImageTerm {

  /** The gray level the distance is taken from. */
  double constant();

  @Override
  default void writeFields(JsonGenerator g) throws IOException {
    g.writeNumberField("constant", constant());
  }

  @Override
  default String describe() {
    return getClass().getSimpleName() + "[" + Term.format(constant()) + "]";
  }

  /**
   * Builds {@code distance(tf, image − constant)} per batch element with the constant as a fed
   * scalar.
   */
  static TermGraph.Built build(
      TermGraph.Scope s, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> distance) {
    Ops t = s.tf();
    Placeholder<TFloat32> constant = s.input("constant", Shape.scalar());
    String name = TermGraph.Feeds.name(constant);
    return new TermGraph.Built(
        distance.apply(t, t.math.sub(s.image(), constant)),
        (term, feeds) ->
            feeds.put(name, TFloat32.scalarOf((float) ((ImageDistance) term).constant())));
  }
}
