package org.lucerna.optvis.param;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@link ParamSpec.Kind#PIXEL}: the parameters are the pixels, {@code [B, H, W, C]}. */
record PixelBasis(Shape parameterShape) implements Basis {
  @Override
  public Operand<TFloat32> toImage(Ops p, Operand<TFloat32> params) {
    return params;
  }

  @Override
  public double[] toParameters(double[] image) {
    return image;
  }
}
