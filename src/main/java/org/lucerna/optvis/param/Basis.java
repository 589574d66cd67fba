package org.lucerna.optvis.param;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * How one {@link ParamSpec.Kind} turns parameters into the image before colors and squash, for one
 * image shape {@code [B, H, W, C]}, and back. The linear kinds map a starting image back exactly;
 * the others ({@link UninvertibleBasis}) say they cannot.
 */
interface Basis {
  /** Standard deviation of the normal initial parameters of the linear kinds. */
  double LINEAR_INIT_STDDEV = 0.01;

  /** Shape of the trainable variable. */
  Shape parameterShape();

  /** {@code params → image} (NHWC) in the scope {@code p}. */
  Operand<TFloat32> toImage(Ops p, Operand<TFloat32> params);

  /**
   * The parameters, in {@link #parameterShape()} order, whose image is {@code image} (NHWC).
   *
   * @throws UnsupportedOperationException when {@link #invertible()} is false
   */
  double[] toParameters(double[] image);

  /** Whether {@link #toParameters} exists, so that a render can start from a picture. */
  default boolean invertible() {
    return true;
  }

  /**
   * Standard deviation of the normal initial value of parameter {@code index} (in {@link
   * #parameterShape()} order).
   */
  default double initialStddev(long index) {
    return LINEAR_INIT_STDDEV;
  }
}
