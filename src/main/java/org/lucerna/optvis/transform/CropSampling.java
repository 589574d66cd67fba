package org.lucerna.optvis.transform;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Crops resized by bilinear sampling as two matrix products. Why not TensorFlow's CropAndResize:
 * its CPU gradient adds the crops into the image from several threads at once, so the same step
 * gives a gradient that differs in the last bits from run to run, and over a render's steps two
 * renders of one seed drift apart. Bilinear sampling at the positions of an axis-aligned box is
 * separable: crop k of image X is {@code Ry_k · X · Rx_kᵀ} per channel, each row of {@code Ry_k}
 * holding the two weights of one output row's sample (none when it falls outside the image), and
 * MatMul's gradient is again a MatMul, which sums in a fixed order for fixed shapes. The samples
 * are CropAndResize's (its kernel's float arithmetic, so the same positions to the bit), and an
 * output pixel whose row or column sample is outside the image is {@link Transforms#GRAY}, its
 * extrapolation value.
 */
final class CropSampling {
  private CropSampling() {}

  /**
   * @param image {@code [B, H, W, C]}
   * @param boxes the fed {@code [count, 4]} boxes {@code [y1, x1, y2, x2]}, fractions of the image
   * @param height the crops' height, {@code width} their width
   * @return {@code [count·B, height, width, C]}, crop k of image b at {@code k·B + b}
   */
  static Operand<TFloat32> crop(
      Ops tf,
      Operand<TFloat32> image,
      Operand<TFloat32> boxes,
      int count,
      Operand<TInt32> height,
      Operand<TInt32> width) {
    ImageDims dims = ImageDims.of(tf, image);
    Operand<TInt32> h = dims.dim(tf, 1);
    Operand<TInt32> w = dims.dim(tf, 2);
    Operand<TInt32> batch = dims.dim(tf, 0);
    Operand<TInt32> channels = dims.dim(tf, 3);
    Operand<TInt32> minusOne = tf.constant(-1);
    Operand<TInt32> countOp = tf.constant(count);
    Axis rows = axis(tf, column(tf, boxes, 0), column(tf, boxes, 2), h, height);
    Axis cols = axis(tf, column(tf, boxes, 1), column(tf, boxes, 3), w, width);

    // Rows first, all crops in one product: [count·height, H] · [H, B·W·C].
    Operand<TFloat32> byRow = tf.linalg.transpose(image, tf.constant(new int[] {1, 0, 2, 3}));
    Operand<TFloat32> sampledRows =
        tf.linalg.matMul(
            tf.reshape(rows.weights, tf.stack(List.of(minusOne, h))),
            tf.reshape(byRow, tf.stack(List.of(h, minusOne))));
    // Then columns, crop by crop: [count, height·B·C, W] · [count, W, width]ᵀ.
    Operand<TFloat32> columnsLast =
        tf.linalg.transpose(
            tf.reshape(sampledRows, tf.stack(List.of(countOp, minusOne, w, channels))),
            tf.constant(new int[] {0, 1, 3, 2}));
    Operand<TFloat32> sampled =
        tf.train.batchMatMul(
            tf.reshape(columnsLast, tf.stack(List.of(countOp, minusOne, w))),
            cols.weights,
            TFloat32.class,
            BatchMatMul.adjY(true));
    // [count, height, B, C, width] to [count, B, height, width, C].
    Operand<TFloat32> crops =
        tf.linalg.transpose(
            tf.reshape(sampled, tf.stack(List.of(countOp, height, batch, channels, width))),
            tf.constant(new int[] {0, 2, 1, 4, 3}));
    // Gray wherever a crop's row or column sample is outside: GRAY·(1 − insideRow·insideColumn).
    Operand<TFloat32> inside =
        tf.math.mul(
            tf.expandDims(rows.inside, tf.constant(2)), tf.expandDims(cols.inside, tf.constant(1)));
    Operand<TFloat32> gray =
        tf.math.mul(tf.math.sub(tf.constant(1f), inside), tf.constant((float) Transforms.GRAY));
    Operand<TFloat32> filled =
        tf.math.add(
            crops,
            tf.reshape(
                gray, tf.stack(List.of(countOp, tf.constant(1), height, width, tf.constant(1)))));
    return tf.reshape(
        filled, tf.stack(List.of(tf.math.mul(countOp, batch), height, width, channels)));
  }

  /**
   * One axis's sampling for every crop: {@code weights} {@code [count, out, n]} and {@code inside}
   * {@code [count, out]}, 1 where the sample lies in the image and 0 where it does not.
   */
  private record Axis(Operand<TFloat32> weights, Operand<TFloat32> inside) {}

  /**
   * The samples of {@code out} pixels from {@code lo} to {@code hi} (fractions, {@code [count, 1]})
   * along an axis of {@code n} pixels, computed as CropAndResize's kernel does in float: {@code
   * lo·(n−1) + i·(hi−lo)·(n−1)/(out−1)}, or the middle {@code (lo+hi)/2·(n−1)} for one pixel.
   */
  private static Axis axis(
      Ops tf, Operand<TFloat32> lo, Operand<TFloat32> hi, Operand<TInt32> n, Operand<TInt32> out) {
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> last = tf.math.sub(tf.dtypes.cast(n, TFloat32.class), one);
    Operand<TFloat32> steps = tf.math.sub(tf.dtypes.cast(out, TFloat32.class), one);
    Operand<TBool> several = tf.math.greater(out, tf.constant(1));
    // A divisor of 1 for a single pixel only keeps the unused branch finite.
    Operand<TFloat32> scale =
        tf.math.div(tf.math.mul(tf.math.sub(hi, lo), last), tf.select(several, steps, one));
    Operand<TFloat32> index =
        tf.reshape(
            tf.dtypes.cast(tf.range(tf.constant(0), out, tf.constant(1)), TFloat32.class),
            tf.constant(new int[] {1, -1}));
    Operand<TFloat32> spread = tf.math.add(tf.math.mul(lo, last), tf.math.mul(index, scale));
    Operand<TFloat32> middle =
        tf.math.mul(tf.math.mul(tf.math.add(lo, hi), tf.constant(0.5f)), last);
    Operand<TFloat32> position =
        tf.select(several, spread, tf.math.add(middle, tf.zerosLike(spread)));
    Operand<TBool> in =
        tf.math.logicalAnd(
            tf.math.greaterEqual(position, tf.constant(0f)), tf.math.lessEqual(position, last));
    Operand<TFloat32> low = tf.math.floor(position);
    Operand<TFloat32> frac = tf.math.sub(position, low);
    // One-hot rows of the two neighbours; an index of −1 (a sample outside) gives a row of zeros.
    Operand<TFloat32> none = tf.fill(tf.shape(position), tf.constant(-1f));
    Operand<TFloat32> lower =
        tf.oneHot(tf.dtypes.cast(tf.select(in, low, none), TInt32.class), n, one, tf.constant(0f));
    Operand<TFloat32> upper =
        tf.oneHot(
            tf.dtypes.cast(tf.select(in, tf.math.ceil(position), none), TInt32.class),
            n,
            one,
            tf.constant(0f));
    Operand<TFloat32> weights =
        tf.math.add(
            tf.math.mul(lower, tf.expandDims(tf.math.sub(one, frac), tf.constant(-1))),
            tf.math.mul(upper, tf.expandDims(frac, tf.constant(-1))));
    // The grid depends on the fed boxes and the sizes only; no gradient should flow into it.
    return new Axis(tf.stopGradient(weights), tf.stopGradient(tf.dtypes.cast(in, TFloat32.class)));
  }

  /** Column {@code i} of the {@code [count, 4]} boxes as {@code [count, 1]}. */
  private static Operand<TFloat32> column(Ops tf, Operand<TFloat32> boxes, int i) {
    return tf.gather(boxes, tf.constant(new int[] {i}), tf.constant(1));
  }
}
