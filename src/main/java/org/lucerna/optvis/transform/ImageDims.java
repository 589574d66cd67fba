package org.lucerna.optvis.transform;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The size of an NHWC image tensor both ways: the dimensions known while building (−1 where not,
 * e.g. after a random scale) and the run-time shape, so ops use constants where they can and stay
 * static.
 */
record ImageDims(long[] known, Operand<TInt32> shape) {
  static ImageDims of(Ops tf, Operand<TFloat32> image) {
    if (image.shape().numDimensions() != 4) {
      throw new IllegalArgumentException(
          "transforms take an image batch [B, H, W, C], got shape " + image.shape());
    }
    return new ImageDims(image.shape().asArray(), tf.shape(image));
  }

  long batch() {
    return known[0];
  }

  long height() {
    return known[1];
  }

  long width() {
    return known[2];
  }

  long channels() {
    return known[3];
  }

  boolean spatialKnown() {
    return height() >= 0 && width() >= 0;
  }

  /** One dimension as a scalar: a constant when known. */
  Operand<TInt32> dim(Ops tf, int axis) {
    return known[axis] >= 0
        ? tf.constant((int) known[axis])
        : tf.gather(shape, tf.constant(axis), tf.constant(0));
  }

  /** [B, h, w, C] with the given spatial sizes; B and C as constants when known. */
  Operand<TInt32> withSpatial(Ops tf, Operand<TInt32> height, Operand<TInt32> width) {
    return tf.stack(List.of(dim(tf, 0), height, width, dim(tf, 3)));
  }
}
