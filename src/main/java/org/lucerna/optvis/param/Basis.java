package org.lucerna.optvis.param;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * How one {@link ParamSpec.Kind} turns parameters into the image before colors and squash, for one
 * image shape {@code [B, H, W, C]}, and back. Linear, so a starting image maps back exactly.
 */
interface Basis {
  /** Shape of the trainable variable. */
  Shape parameterShape();

  /** {@code params → image} (NHWC) in the scope {@code p}. */
  Operand<TFloat32> toImage(Ops p, Operand<TFloat32> params);

  /** The parameters, in {@link #parameterShape()} order, whose image is {@code image} (NHWC). */
  double[] toParameters(double[] image);
}
