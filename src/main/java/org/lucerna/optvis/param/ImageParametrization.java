package org.lucerna.optvis.param;

import java.util.Objects;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * A {@link ParamSpec} compiled for one image shape {@code [batch, height, width, channels]}: the
 * parameter shape, the graph ops from parameters to image, seeded initial values and the exact
 * inverse for a starting image. Immutable and thread-safe; holds no TensorFlow resources.
 *
 * <p>The parameter layout and the linear map to pixels are the kind's {@link Basis}: {@link
 * FourierSpectrum}, {@link PixelBasis}, {@link MacoSpectrum} or {@link Cppn}.
 */
public final class ImageParametrization {
  /**
   * Starting-image values closer than this to 0 or 1 are moved to it before the sigmoid's inverse;
   * 2⁻¹⁰ is a quarter of an 8-bit level, so the image still rounds to the same bytes.
   */
  public static final double SIGMOID_EPSILON = 1.0 / 1024;

  /** Largest side accepted; a Fourier basis of this size is a 16 MB constant in the graph. */
  public static final int MAX_SIDE = 2048;

  private final ParamSpec spec;
  private final int batch;
  private final int height;
  private final int width;
  private final int channels;
  private final boolean decorrelated;
  private final Basis basis;

  private ImageParametrization(ParamSpec spec, int batch, int height, int width, int channels) {
    this.spec = spec;
    this.batch = batch;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.decorrelated = spec.decorrelate() && channels == 3;
    this.basis = spec.kind().basis(spec, batch, height, width, channels);
  }

  /** Compiles {@code spec} for images {@code [batch, height, width, channels]}. */
  public static ImageParametrization of(
      ParamSpec spec, int batch, int height, int width, int channels) {
    Objects.requireNonNull(spec, "spec");
    requireRange("batch", batch, 1, 1024);
    requireRange("height", height, 1, MAX_SIDE);
    requireRange("width", width, 1, MAX_SIDE);
    requireRange("channels", channels, 1, 64);
    return new ImageParametrization(spec, batch, height, width, channels);
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  public ParamSpec spec() {
    return spec;
  }

  /**
   * Whether the color decorrelation is applied: asked for, and the image has exactly 3 channels.
   */
  public boolean decorrelated() {
    return decorrelated;
  }

  /** {@code [B, H, W, C]}. */
  public Shape imageShape() {
    return Shape.of(batch, height, width, channels);
  }

  /** Shape of the trainable variable that {@link #image} reads. */
  public Shape parameterShape() {
    return basis.parameterShape();
  }

  private int size() {
    return batch * height * width * channels;
  }

  /**
   * Builds {@code params → image} under the sub-scope {@code param}; values in (0, 1), or [0, 1]
   * for clip.
   */
  public Operand<TFloat32> image(Ops tf, Operand<TFloat32> params) {
    Ops p = tf.withSubScope("param");
    Operand<TFloat32> x = linear(p, params);
    return p.withName("image").identity(squash(p, x));
  }

  /**
   * The image before the squash: linear in the parameters for Fourier (orthonormal at decay 0) and
   * pixel, not for MACO.
   */
  Operand<TFloat32> linear(Ops p, Operand<TFloat32> params) {
    Operand<TFloat32> x = basis.toImage(p, params);
    return decorrelated
        ? decorrelate(p.withSubScope("decorrelate"), x, new int[] {batch, height, width, 3})
        : x;
  }

  /** The color correlation of {@code x}, reshaped to {@code shape}. */
  private static Operand<TFloat32> decorrelate(Ops d, Operand<TFloat32> x, int[] shape) {
    Operand<TFloat32> pixels = d.reshape(x, d.constant(new int[] {-1, 3}));
    float[][] m = new float[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        m[i][j] = (float) ColorDecorrelation.MATRIX[i][j];
      }
    }
    Operand<TFloat32> rgb =
        d.linalg.matMul(pixels, d.withName("color").constant(m), MatMul.transposeB(true));
    return d.reshape(rgb, d.constant(shape));
  }

  /**
   * Whether a finished render can be drawn again at another size from its final parameters: its
   * pixels are a function of their coordinates (CPPN).
   */
  public boolean redrawable() {
    return spec.kind().redrawable();
  }

  /**
   * The pixel values, colors and squash included, of one image's parameters {@code params} ({@code
   * [1, P]}, a row of {@link #parameterShape()}) at the points {@code xy} ({@code [N, 2]}, from
   * {@link #coordinates}): {@code [N, C]}.
   *
   * @throws IllegalStateException unless {@link #redrawable()}
   */
  public Operand<TFloat32> pixelsAt(Ops tf, Operand<TFloat32> params, Operand<TFloat32> xy) {
    requireRedrawable();
    Ops p = tf.withSubScope("param");
    Operand<TFloat32> x = Cppn.network(p.withSubScope("cppn"), params, xy, 1, channels);
    x = p.reshape(x, p.constant(new int[] {-1, channels}));
    return squash(
        p, decorrelated ? decorrelate(p.withSubScope("decorrelate"), x, new int[] {-1, 3}) : x);
  }

  /**
   * The points, {@code (x, y)} row-major, of rows {@code [fromRow, fromRow + rows)} of this image
   * drawn {@code scale} times larger over the same picture, for {@link #pixelsAt}.
   */
  public float[] coordinates(int scale, int fromRow, int rows) {
    requireRedrawable();
    return Cppn.coordinates(height, width, scale, fromRow, rows);
  }

  /** Values of one image's parameters: a row of {@link #parameterShape()}. */
  public int parametersPerImage() {
    return (int) (parameterShape().size() / batch);
  }

  /**
   * The image channels of a CPPN whose parameters are {@code parameters} values per image, or -1
   * when no channel count gives that many.
   */
  public static int cppnChannels(int parameters) {
    return Cppn.channelsFor(parameters);
  }

  private void requireRedrawable() {
    if (!redrawable()) {
      throw new IllegalStateException(
          "a "
              + spec.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " image cannot be drawn again");
    }
  }

  private Operand<TFloat32> squash(Ops p, Operand<TFloat32> x) {
    if (spec.squash() == ParamSpec.Squash.SIGMOID) {
      Operand<TFloat32> scaled =
          spec.gain() == 1 ? x : p.math.mul(x, p.constant((float) spec.gain()));
      return p.math.sigmoid(scaled);
    }
    // Straight-through: forward is the clip, the gradient is the identity, so a clipped pixel still
    // feels
    // the objective and can come back (ClipByValue's own gradient is zero there and would freeze
    // it).
    Operand<TFloat32> clipped = p.clipByValue(x, p.constant(0f), p.constant(1f));
    return p.math.add(x, p.stopGradient(p.math.sub(clipped, x)));
  }

  /**
   * Normal values in {@link #parameterShape()} order (standard deviation 0.01, MACO's phase 1,
   * CPPN's per layer), the same for the same seed on every JVM.
   */
  public float[] initialParameters(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[(int) basis.parameterShape().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (gaussian(random) * basis.initialStddev(i));
    }
    return values;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * The parameters whose {@link #image} is {@code image} (NHWC, values in [0, 1]); exact up to
   * float rounding, except that for the sigmoid values are first moved {@link #SIGMOID_EPSILON}
   * away from 0 and 1.
   */
  public float[] parametersFor(float[] image) {
    if (!basis.invertible()) {
      throw new IllegalArgumentException(
          "a "
              + spec.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " image cannot start from a picture");
    }
    if (image.length != size()) {
      throw new IllegalArgumentException(
          "starting image has "
              + image.length
              + " values, expected "
              + size()
              + " for "
              + imageShape());
    }
    double[] x = new double[image.length];
    for (int i = 0; i < image.length; i++) {
      double y = image[i];
      if (!(y >= 0 && y <= 1)) {
        throw new IllegalArgumentException(
            "starting image values must be in [0, 1], got " + y + " at " + i);
      }
      x[i] = spec.squash() == ParamSpec.Squash.SIGMOID ? logit(y) / spec.gain() : y;
    }
    if (decorrelated) {
      undoDecorrelation(x);
    }
    return toFloat(basis.toParameters(x));
  }

  private static double logit(double y) {
    double clamped = Math.min(Math.max(y, SIGMOID_EPSILON), 1 - SIGMOID_EPSILON);
    return Math.log(clamped / (1 - clamped));
  }

  private static void undoDecorrelation(double[] x) {
    double[][] inv = ColorDecorrelation.INVERSE;
    for (int i = 0; i < x.length; i += 3) {
      double r = x[i];
      double g = x[i + 1];
      double b = x[i + 2];
      for (int c = 0; c < 3; c++) {
        x[i + c] = inv[c][0] * r + inv[c][1] * g + inv[c][2] * b;
      }
    }
  }

  private static float[] toFloat(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }
}
