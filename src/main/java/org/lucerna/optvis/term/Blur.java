package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Distance of the image from a blurred copy of itself: a penalty, use a negative weight. */
public record Blur() implements ImageTerm {
  public static final TermKind KIND = new TermKind("blur", List.of(), f -> new Blur());

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) {}

  @Override
  public TermGraph graph() {
    return new Graph();
  }

  @Override
  public String describe() {
    return "Blur";
  }

  /** 0.5·Σ(x − blur(x))² with the blurred copy held constant, as Lucid does. */
  record Graph() implements ImageTerm.Graph {
    @Override
    public Built build(Scope s) {
      Ops t = s.tf();
      Operand<TFloat32> image = s.image();
      int channels = (int) image.shape().get(3);
      float[] k1 = {0.25f, 0.5f, 0.25f};
      float[][][][] kernel = new float[3][3][channels][1];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          for (int c = 0; c < channels; c++) {
            kernel[i][j][c][0] = k1[i] * k1[j];
          }
        }
      }
      Operand<TFloat32> blurred =
          t.stopGradient(
              t.nn.depthwiseConv2dNative(
                  image, t.constant(kernel), List.of(1L, 1L, 1L, 1L), "SAME"));
      return new Built(
          t.math.mul(
              t.constant(0.5f),
              t.reduceSum(
                  t.math.square(t.math.sub(image, blurred)), t.constant(new int[] {1, 2, 3}))));
    }
  }
}
