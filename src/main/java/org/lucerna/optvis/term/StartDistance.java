package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Mean squared distance of each image from the image the render started from: with a start image
 * (the photo), the penalty of feature accentuation (Hamblin et al. 2024), which keeps the image
 * close to the photo while a unit is pushed up; use a negative weight. Without a start image it is
 * the distance from the random start. The start is captured once per render, after the parameters
 * are set (so it is the photo as the parametrization renders it, not the uploaded file).
 */
public record StartDistance() implements ImageTerm {
  public static final TermKind KIND =
      new TermKind("start_distance", List.of(), f -> new StartDistance());

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) {}

  @Override
  public String describe() {
    return "StartDistance";
  }

  @Override
  public TermGraph graph() {
    return new Graph();
  }

  /** {@code mean((x − x₀)²)} over pixels and channels, per image; x₀ a captured variable. */
  record Graph() implements ImageTerm.Graph {
    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      Operand<TFloat32> image = s.image();
      Variable<TFloat32> start = t.withName("start").variable(image.shape(), TFloat32.class);
      Assign<TFloat32> capture = t.withName("capture").assign(start, image);
      Operand<TFloat32> values =
          t.math.mean(t.math.square(t.math.sub(image, start)), t.constant(new int[] {1, 2, 3}));
      return new Built(values, (term, feeds) -> {}, List.of(capture));
    }
  }
}
