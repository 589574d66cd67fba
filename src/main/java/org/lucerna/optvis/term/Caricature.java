package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Caricature (Lucid's {@code recipes/caricature.py}): the render's activations at {@code layer}
 * compared with the photo's, {@code dot(A(photo), A(x))·max(cos, 0.1)^cossimPower}, the dot taken
 * over channels and averaged over positions, the cosine over the whole layer. The photo is the
 * job's start image: its activations are captured once per render, from the first step's model
 * input (the start image through that step's transforms), and kept; later steps compare with them
 * resized to the layer's size of that step (a random scale changes it). Maximizing the dot
 * exaggerates what the layer sees in the photo; a higher {@code cossimPower} keeps the pattern
 * closer to the photo's.
 */
public record Caricature(String layer, double cossimPower) implements Term {
  public static final TermKind KIND =
      new TermKind(
          "caricature",
          List.of("layer", "cossimPower"),
          f -> new Caricature(f.layer(), f.number("cossimPower", 0)));

  /** Keeps the norms' quotient finite on a dead layer. */
  private static final float EPS = 1e-6f;

  public Caricature {
    TermChecks.requireLayer(layer);
    if (!(cossimPower >= 0 && cossimPower <= MAX_POWER)) {
      throw new IllegalArgumentException(
          "cossimPower must be between 0 and " + (int) MAX_POWER + ", got " + cossimPower);
    }
  }

  /** 0.1^10 is already 1e-10: higher powers only underflow. */
  static final double MAX_POWER = 10;

  @Override
  public Term withLayer(String other) {
    return new Caricature(other, cossimPower);
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("layer", layer);
    g.writeNumberField("cossimPower", cossimPower);
  }

  @Override
  public String describe() {
    return "Caricature["
        + layer
        + (cossimPower > 0 ? ", cossim^" + Term.format(cossimPower) : "")
        + "]";
  }

  @Override
  public TermGraph graph() {
    return new Graph(layer);
  }

  record Graph(String layer) implements TermGraph {
    @Override
    public Built build(Scope s) {
      if (s.crops() > 1) {
        // Each step's crops are new places in the image: the captured activations of the first
        // step's crops say nothing about them.
        throw new IllegalArgumentException(
            "caricature compares with the start image's activations where the render's are; it"
                + " cannot be used with crops");
      }
      Ops t = s.tf();
      Operand<TFloat32> a = s.activations();
      // Its shape is the first step's layer size, which a random scale can change later.
      Variable<TFloat32> target = t.withName("target").variable(Shape.unknown(), TFloat32.class);
      Assign<TFloat32> capture =
          t.withName("capture").assign(target, a, Assign.validateShape(false));
      Operand<TInt32> size =
          t.slice(t.shape(a), t.constant(new int[] {1}), t.constant(new int[] {2}));
      Operand<TFloat32> photo =
          t.image.resizeBilinear(
              t.ensureShape(target, Shape.of(-1, -1, -1, s.layer().channels())),
              size,
              ResizeBilinear.halfPixelCenters(true));
      Operand<TInt32> all = t.constant(new int[] {1, 2, 3});
      Operand<TFloat32> dot = t.reduceSum(t.math.mul(a, photo), all);
      Operand<TFloat32> positions =
          t.dtypes.cast(t.reduceProd(size, t.constant(0)), TFloat32.class);
      Operand<TFloat32> norms =
          t.math.mul(
              t.math.sqrt(t.reduceSum(t.math.square(a), all)),
              t.math.sqrt(t.reduceSum(t.math.square(photo), all)));
      Operand<TFloat32> cos = t.math.div(dot, t.math.add(norms, t.constant(EPS)));
      Placeholder<TFloat32> power = s.input("cossim_power", Shape.scalar());
      String powerName = Feeds.name(power);
      Operand<TFloat32> values =
          t.math.mul(
              t.math.div(dot, positions), t.math.pow(t.math.maximum(cos, t.constant(0.1f)), power));
      return new Built(
          values,
          (term, feeds) ->
              feeds.put(powerName, TFloat32.scalarOf((float) ((Caricature) term).cossimPower())),
          List.of(capture));
    }
  }
}
