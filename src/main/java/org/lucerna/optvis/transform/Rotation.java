package org.lucerna.optvis.transform;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Rotation by bilinear sampling. Why not TensorFlow's image transform op: it has no gradient in the C++
 * registry. Each output pixel p reads the source position {@code R(−θ)·(p − c) + c} (c the centre, y up),
 * as the weighted sum of its four neighbours gathered from the flattened image (GatherV2 has a gradient);
 * neighbours outside the image count as {@link Transforms#GRAY}.
 */
final class Rotation {
  private Rotation() {}

  /**
   * @param cosSin the fed {@code [cos θ, sin θ]}, θ counter-clockwise
   */
  static Operand<TFloat32> rotate(Ops tf, Operand<TFloat32> image, Operand<TFloat32> cosSin) {
    ImageDims dims = ImageDims.of(tf, image);
    Operand<TInt32> h = dims.dim(tf, 1);
    Operand<TInt32> w = dims.dim(tf, 2);
    Operand<TFloat32> hf = tf.dtypes.cast(h, TFloat32.class);
    Operand<TFloat32> wf = tf.dtypes.cast(w, TFloat32.class);
    Operand<TFloat32> half = tf.constant(0.5f);
    Operand<TFloat32> cy = tf.math.mul(tf.math.sub(hf, tf.constant(1f)), half);
    Operand<TFloat32> cx = tf.math.mul(tf.math.sub(wf, tf.constant(1f)), half);
    Operand<TFloat32> cos = tf.gather(cosSin, tf.constant(0), tf.constant(0));
    Operand<TFloat32> sin = tf.gather(cosSin, tf.constant(1), tf.constant(0));

    // Offsets from the centre: rows as a column [h, 1], columns as a row [1, w]; they broadcast to [h, w].
    Operand<TFloat32> di = tf.reshape(tf.math.sub(floatRange(tf, h), cy), tf.constant(new int[] {-1, 1}));
    Operand<TFloat32> dj = tf.reshape(tf.math.sub(floatRange(tf, w), cx), tf.constant(new int[] {1, -1}));
    // With y up, R(−θ) sends (dj, −di) to (cos·dj − sin·di, −sin·dj − cos·di); back in rows and columns:
    Operand<TFloat32> srcRow = flat(tf, tf.math.add(cy, tf.math.add(tf.math.mul(sin, dj), tf.math.mul(cos, di))));
    Operand<TFloat32> srcCol = flat(tf, tf.math.add(cx, tf.math.sub(tf.math.mul(cos, dj), tf.math.mul(sin, di))));

    Operand<TFloat32> row0 = tf.math.floor(srcRow);
    Operand<TFloat32> col0 = tf.math.floor(srcCol);
    Operand<TFloat32> fracRow = tf.math.sub(srcRow, row0);
    Operand<TFloat32> fracCol = tf.math.sub(srcCol, col0);
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> zero = tf.constant(0f);
    Operand<TFloat32> lastRow = tf.math.sub(hf, one);
    Operand<TFloat32> lastCol = tf.math.sub(wf, one);

    Operand<TFloat32> pixels = tf.reshape(image,
        tf.stack(List.of(dims.dim(tf, 0), tf.constant(-1), dims.dim(tf, 3))));
    List<Operand<TFloat32>> sampled = new ArrayList<>();
    List<Operand<TFloat32>> outside = new ArrayList<>();
    for (int dr = 0; dr <= 1; dr++) {
      for (int dc = 0; dc <= 1; dc++) {
        Operand<TFloat32> r = dr == 0 ? row0 : tf.math.add(row0, one);
        Operand<TFloat32> c = dc == 0 ? col0 : tf.math.add(col0, one);
        Operand<TFloat32> weight = tf.math.mul(
            dr == 0 ? tf.math.sub(one, fracRow) : fracRow,
            dc == 0 ? tf.math.sub(one, fracCol) : fracCol);
        Operand<TFloat32> inside = tf.dtypes.cast(tf.math.logicalAnd(
            tf.math.logicalAnd(tf.math.greaterEqual(r, zero), tf.math.lessEqual(r, lastRow)),
            tf.math.logicalAnd(tf.math.greaterEqual(c, zero), tf.math.lessEqual(c, lastCol))), TFloat32.class);
        Operand<TInt32> index = tf.math.add(
            tf.math.mul(tf.dtypes.cast(tf.clipByValue(r, zero, lastRow), TInt32.class), w),
            tf.dtypes.cast(tf.clipByValue(c, zero, lastCol), TInt32.class));
        // The sampling grid depends on the size and the fed angle only; no gradient should flow into it.
        Operand<TFloat32> imageWeight = tf.stopGradient(perPixel(tf, tf.math.mul(weight, inside)));
        Operand<TFloat32> gathered = tf.gather(pixels, index, tf.constant(1));
        sampled.add(tf.math.mul(gathered, imageWeight));
        outside.add(tf.math.mul(weight, tf.math.sub(one, inside)));
      }
    }
    Operand<TFloat32> gray = tf.stopGradient(perPixel(tf,
        tf.math.mul(tf.math.addN(outside), tf.constant((float) Transforms.GRAY))));
    Operand<TFloat32> sum = tf.math.add(tf.math.addN(sampled), gray);
    return tf.reshape(sum, dims.withSpatial(tf, h, w));
  }

  private static Operand<TFloat32> floatRange(Ops tf, Operand<TInt32> n) {
    return tf.dtypes.cast(tf.range(tf.constant(0), n, tf.constant(1)), TFloat32.class);
  }

  private static Operand<TFloat32> flat(Ops tf, Operand<TFloat32> grid) {
    return tf.reshape(grid, tf.constant(new int[] {-1}));
  }

  /** [h·w] → [1, h·w, 1], to scale a gathered [B, h·w, C]. */
  private static Operand<TFloat32> perPixel(Ops tf, Operand<TFloat32> values) {
    return tf.reshape(values, tf.constant(new int[] {1, -1, 1}));
  }
}
