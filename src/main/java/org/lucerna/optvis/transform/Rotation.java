package org.lucerna.optvis.transform;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Rotation by bilinear sampling. Why not TensorFlow's image transform op: it has no gradient in the
 * C++ registry. Each output pixel p reads the source position {@code R(−θ)·(p − c) + c} (c the
 * centre, y up), as the weighted sum of its four neighbours gathered from the flattened image
 * (GatherV2 has a gradient); neighbours outside the image count as {@link Transforms#GRAY}. The
 * four are gathered in one op, whose gradient is one scatter: on InceptionV3 the rotation was the
 * largest cost outside the model.
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

    // Offsets from the centre: rows as a column [h, 1], columns as a row [1, w]; they broadcast to
    // [h, w].
    Operand<TFloat32> di =
        tf.reshape(tf.math.sub(floatRange(tf, h), cy), tf.constant(new int[] {-1, 1}));
    Operand<TFloat32> dj =
        tf.reshape(tf.math.sub(floatRange(tf, w), cx), tf.constant(new int[] {1, -1}));
    // With y up, R(−θ) sends (dj, −di) to (cos·dj − sin·di, −sin·dj − cos·di); back in rows and
    // columns:
    Operand<TFloat32> srcRow =
        flat(tf, tf.math.add(cy, tf.math.add(tf.math.mul(sin, dj), tf.math.mul(cos, di))));
    Operand<TFloat32> srcCol =
        flat(tf, tf.math.add(cx, tf.math.sub(tf.math.mul(cos, dj), tf.math.mul(sin, di))));

    // The four neighbours at once, as rows of [4, h·w]: (r0, c0), (r0, c0+1), (r0+1, c0), (r0+1,
    // c0+1).
    Operand<TFloat32> row0 = tf.math.floor(srcRow);
    Operand<TFloat32> col0 = tf.math.floor(srcCol);
    Operand<TFloat32> fracRow = tf.math.sub(srcRow, row0);
    Operand<TFloat32> fracCol = tf.math.sub(srcCol, col0);
    Operand<TFloat32> dr = tf.constant(new float[][] {{0}, {0}, {1}, {1}});
    Operand<TFloat32> dc = tf.constant(new float[][] {{0}, {1}, {0}, {1}});
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> r = tf.math.add(row0, dr);
    Operand<TFloat32> c = tf.math.add(col0, dc);
    // Bilinear weight of a neighbour: (dr ? f : 1 − f) = 1 − dr − f + 2·dr·f, likewise for columns.
    Operand<TFloat32> weight =
        tf.math.mul(
            tf.math.add(
                tf.math.sub(tf.math.sub(one, dr), fracRow),
                tf.math.mul(tf.math.mul(dr, fracRow), tf.constant(2f))),
            tf.math.add(
                tf.math.sub(tf.math.sub(one, dc), fracCol),
                tf.math.mul(tf.math.mul(dc, fracCol), tf.constant(2f))));
    Operand<TFloat32> lastRow = tf.math.sub(hf, one);
    Operand<TFloat32> lastCol = tf.math.sub(wf, one);
    Operand<TFloat32> rowIn = tf.clipByValue(r, tf.constant(0f), lastRow);
    Operand<TFloat32> colIn = tf.clipByValue(c, tf.constant(0f), lastCol);
    Operand<org.tensorflow.types.TBool> inside =
        tf.math.logicalAnd(tf.math.equal(rowIn, r), tf.math.equal(colIn, c));
    // Neighbours outside the image read one extra gray pixel appended after the last one, at index
    // h·w.
    Operand<TInt32> index =
        tf.select(
            inside,
            tf.dtypes.cast(tf.math.add(tf.math.mul(rowIn, wf), colIn), TInt32.class),
            tf.fill(tf.shape(r), tf.math.mul(h, w)));

    Operand<TInt32> batch = dims.dim(tf, 0);
    Operand<TInt32> channels = dims.dim(tf, 3);
    Operand<TFloat32> pixels =
        tf.reshape(image, tf.stack(List.of(batch, tf.constant(-1), channels)));
    Operand<TFloat32> gray =
        tf.fill(
            tf.stack(List.of(batch, tf.constant(1), channels)),
            tf.constant((float) Transforms.GRAY));
    Operand<TFloat32> padded = tf.concat(List.of(pixels, gray), tf.constant(1));
    // The sampling grid depends on the size and the fed angle only; no gradient should flow into
    // it.
    Operand<TFloat32> weights =
        tf.stopGradient(tf.reshape(weight, tf.constant(new int[] {1, 4, -1, 1})));
    Operand<TFloat32> gathered =
        tf.gather(padded, tf.reshape(index, tf.constant(new int[] {-1})), tf.constant(1));
    Operand<TFloat32> neighbours =
        tf.reshape(gathered, tf.stack(List.of(batch, tf.constant(4), tf.constant(-1), channels)));
    // The four weighted neighbours added as four tensors, not summed over an axis: the gradient of
    // a sum over an axis broadcasts with Tile, which cost 2 ms a step at 299 px; an AddN's passes
    // its gradient through.
    Unstack<TFloat32> byNeighbour = tf.unstack(neighbours, 4L, Unstack.axis(1L));
    Unstack<TFloat32> byWeight = tf.unstack(weights, 4L, Unstack.axis(1L));
    List<Operand<TFloat32>> terms = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      terms.add(tf.math.mul(byNeighbour.output().get(k), byWeight.output().get(k)));
    }
    return tf.reshape(tf.math.addN(terms), dims.withSpatial(tf, h, w));
  }

  private static Operand<TFloat32> floatRange(Ops tf, Operand<TInt32> n) {
    return tf.dtypes.cast(tf.range(tf.constant(0), n, tf.constant(1)), TFloat32.class);
  }

  private static Operand<TFloat32> flat(Ops tf, Operand<TFloat32> grid) {
    return tf.reshape(grid, tf.constant(new int[] {-1}));
  }
}
