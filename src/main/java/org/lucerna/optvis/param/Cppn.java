package org.lucerna.optvis.param;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link ParamSpec.Kind#CPPN} (Lucid's {@code param/cppn.py}): every pixel's value is a small
 * network of its coordinates, {@value #LAYERS} layers of {@value #HIDDEN} channels (1×1 maps, so
 * matrix products over the pixels), each followed by the composite activation {@code [atan(x)/0.67,
 * atan(x)²/0.6]} (Lucid's factors, which bring each half to about unit variance for unit-variance
 * inputs), then a layer to the image's channels. The parameters are every weight and bias, {@code
 * [B, P]}: unlike Lucid, each batch element has its own network.
 *
 * <p>The coordinates are the pixel centres on a grid whose longer side spans ±√3 (a uniform
 * variable of unit variance), the shorter in proportion. Because they are centres, the mean of a
 * pixel's s×s sub-pixels' coordinates on the grid of an image s times larger is that pixel's
 * coordinate: a finished render drawn again denser covers the same picture ({@link
 * #coordinates(int, int, int, int, int)}).
 */
final class Cppn implements UninvertibleBasis {
  static final int LAYERS = 8;
  static final int HIDDEN = 24;

  /** Half the longer side of the coordinate grid: a uniform variable on ±√3 has unit variance. */
  static final double RANGE = Math.sqrt(3);

  /** The composite activation's factors (Lucid's): atan(x) and atan(x)² to about unit variance. */
  private static final float ATAN_SCALE = 0.67f;

  private static final float SQUARE_SCALE = 0.6f;

  private static final int COORDINATES = 2;

  private final int batch;
  private final int height;
  private final int width;
  private final int channels;

  Cppn(int batch, int height, int width, int channels) {
    this.batch = batch;
    this.height = height;
    this.width = width;
    this.channels = channels;
  }

  /** Parameters of one image's network: per layer its weights {@code [in, out]}, then biases. */
  static int parametersPerImage(int channels) {
    int n = 0;
    for (int layer = 0; layer <= LAYERS; layer++) {
      n += (inputs(layer) + 1) * outputs(layer, channels);
    }
    return n;
  }

  /** The channel count whose network has {@code parameters} values, or -1 when there is none. */
  static int channelsFor(int parameters) {
    int hidden = parametersPerImage(0);
    int perChannel = parametersPerImage(1) - hidden;
    int rest = parameters - hidden;
    return rest > 0 && rest % perChannel == 0 ? rest / perChannel : -1;
  }

  private static int inputs(int layer) {
    return layer == 0 ? COORDINATES : 2 * HIDDEN; // the composite activation doubles the channels
  }

  private static int outputs(int layer, int channels) {
    return layer == LAYERS ? channels : HIDDEN;
  }

  @Override
  public Shape parameterShape() {
    return Shape.of(batch, parametersPerImage(channels));
  }

  /**
   * Weights N(0, 1/fan-in) so that every hidden layer's input has about unit variance; the biases
   * and the last layer's weights start at 0, so the first image is uniform gray, as in Lucid.
   */
  @Override
  public double initialStddev(long index) {
    int i = (int) (index % parametersPerImage(channels));
    for (int layer = 0; layer <= LAYERS; layer++) {
      int weights = inputs(layer) * outputs(layer, channels);
      if (i < weights) {
        return layer == LAYERS ? 0 : Math.sqrt(1.0 / inputs(layer));
      }
      i -= weights + outputs(layer, channels);
      if (i < 0) {
        return 0; // a bias
      }
    }
    throw new AssertionError("index past the parameters");
  }

  @Override
  public Operand<TFloat32> toImage(Ops p, Operand<TFloat32> params) {
    Ops c = p.withSubScope("cppn");
    float[] grid = coordinates(height, width, 1, 0, height);
    Operand<TFloat32> xy =
        c.withName("coordinates")
            .constant(Shape.of(height * width, COORDINATES), DataBuffers.of(grid, true, false));
    return c.reshape(
        network(c, params, xy, batch, channels),
        c.constant(new int[] {batch, height, width, channels}));
  }

  /**
   * The networks of {@code params} ({@code [batch, P]}) at the points {@code xy} ({@code [N, 2]}):
   * {@code [batch, N, channels]}, before colors and squash. One chain of matrix products per batch
   * element; a batched product would save little at these sizes.
   */
  static Operand<TFloat32> network(
      Ops c, Operand<TFloat32> params, Operand<TFloat32> xy, int batch, int channels) {
    List<Operand<TFloat32>> images = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      Ops e = c.withSubScope("image" + b);
      Operand<TFloat32> x = xy;
      int offset = 0;
      for (int layer = 0; layer <= LAYERS; layer++) {
        int in = inputs(layer);
        int out = outputs(layer, channels);
        Operand<TFloat32> w = slice(e, params, b, offset, in, out);
        offset += in * out;
        Operand<TFloat32> bias = slice(e, params, b, offset, 1, out);
        offset += out;
        x = e.math.add(e.linalg.matMul(x, w), bias);
        if (layer < LAYERS) {
          x = composite(e, x);
        }
      }
      images.add(x);
    }
    return c.stack(images);
  }

  /** Values {@code [offset, offset + rows·columns)} of row {@code b}, as a matrix. */
  private static Operand<TFloat32> slice(
      Ops e, Operand<TFloat32> params, int b, int offset, int rows, int columns) {
    Operand<TFloat32> flat =
        e.slice(
            params, e.constant(new int[] {b, offset}), e.constant(new int[] {1, rows * columns}));
    return e.reshape(flat, e.constant(new int[] {rows, columns}));
  }

  /** Lucid's composite activation: {@code [atan(x)/0.67, atan(x)²/0.6]} along the channels. */
  private static Operand<TFloat32> composite(Ops e, Operand<TFloat32> x) {
    Operand<TFloat32> a = e.math.atan(x);
    return e.concat(
        List.of(
            e.math.div(a, e.constant(ATAN_SCALE)),
            e.math.div(e.math.square(a), e.constant(SQUARE_SCALE))),
        e.constant(-1));
  }

  /**
   * The {@code (x, y)} coordinates, row-major, of rows {@code [fromRow, fromRow + rows)} of the
   * image {@code scale} times {@code height × width}: pixel centres on the grid of the unscaled
   * image, {@code scale} times denser.
   */
  static float[] coordinates(int height, int width, int scale, int fromRow, int rows) {
    double step = 2 * RANGE / Math.max(height, width) / scale;
    int columns = width * scale;
    float[] xy = new float[rows * columns * COORDINATES];
    for (int r = 0; r < rows; r++) {
      double y = (fromRow + r + 0.5 - height * scale / 2.0) * step;
      for (int s = 0; s < columns; s++) {
        int i = (r * columns + s) * COORDINATES;
        xy[i] = (float) ((s + 0.5 - columns / 2.0) * step);
        xy[i + 1] = (float) y;
      }
    }
    return xy;
  }
}
