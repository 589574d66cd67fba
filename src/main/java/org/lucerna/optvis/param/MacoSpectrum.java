package org.lucerna.optvis.param;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@link ParamSpec.Kind#MACO} (Fel et al. 2023, "MAgnitude Constrained Optimization"): the image's
 * spectrum has a fixed magnitude, the average of natural images', and only its phase is a
 * parameter, {@code [B, C, H, W/2+1]} in the {@code rfft2} layout. Per batch element the phase is
 * standardized, the spectrum is {@code magnitude·e^{i·phase}}, the image is its inverse real 2-D
 * DFT, standardized again; colors and the sigmoid follow as for the other kinds.
 *
 * <p>The inverse real DFT is two real matrix products, since TensorFlow's FFT ops have no gradient.
 * With {@code R + iI} the spectrum, {@code a = 2πkt/H}, {@code b = 2πls/W} and {@code c_l} 1 for
 * the columns without a mirror (0, and W/2 for even W) and 2 for the others, numpy's {@code irfft2}
 * is {@code x[t,s] = Σ_{k,l} c_l/(HW)·(R cos(a+b) − I sin(a+b))}. Over the width, {@code [R | I]}
 * times {@code [[C_w, S_w], [−S_w, C_w]]} gives {@code [U | V]} (C_w, S_w the cosines and sines of
 * b with the factors c_l/(HW)); over the height, {@code [cos a | −sin a]} times {@code [U; V]}
 * gives x.
 *
 * <p>The magnitude is Xplique's {@code spectrum_decorrelated.npy} (MIT; see {@code
 * maco-spectrum.README.md} next to this class's resources), the spectrum of 512×512 RGB images,
 * bilinearly resized to {@code H × (W/2+1)} as Xplique does. A model with other than 3 channels
 * gets the mean of the three channels' magnitudes in each.
 */
final class MacoSpectrum implements UninvertibleBasis {
  /** Added to a standard deviation before dividing by it, as in Xplique. */
  private static final float STD_EPSILON = 1e-5f;

  private static final String RESOURCE = "maco-spectrum.npy";
  private static final int SOURCE_CHANNELS = 3;
  private static final int SOURCE_ROWS = 512;
  private static final int SOURCE_COLUMNS = 257;

  private static volatile float[] source;

  private final int batch;
  private final int height;
  private final int width;
  private final int channels;
  private final int columns;

  MacoSpectrum(int batch, int height, int width, int channels) {
    this.batch = batch;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.columns = width / 2 + 1;
  }

  @Override
  public Shape parameterShape() {
    return Shape.of(batch, channels, height, columns);
  }

  /** MACO's phase starts as N(0, 1), as in Xplique. */
  @Override
  public double initialStddev(long index) {
    return 1;
  }

  @Override
  public Operand<TFloat32> toImage(Ops p, Operand<TFloat32> params) {
    Ops f = p.withSubScope("maco");
    Operand<TFloat32> phase = standardize(f.withSubScope("phase"), params);
    Operand<TFloat32> magnitude =
        f.withName("magnitude").constant(StdArrays.ndCopyOf(magnitude(channels, height, columns)));
    Operand<TFloat32> real = f.math.mul(magnitude, f.math.cos(phase));
    Operand<TFloat32> imag = f.math.mul(magnitude, f.math.sin(phase));
    int n = batch * channels;
    // Over the width: [R | I] · [[C_w, S_w], [−S_w, C_w]] = [U | V], rows B·C·H.
    Operand<TFloat32> ri =
        f.reshape(
            f.concat(List.of(real, imag), f.constant(3)),
            f.constant(new int[] {n * height, 2 * columns}));
    Operand<TFloat32> uv = f.linalg.matMul(ri, f.withName("basis_w").constant(widthBasis()));
    // Over the height: bring [U; V] to 2H rows, [cos a | −sin a] · [U; V].
    Operand<TFloat32> stacked =
        f.reshape(
            f.linalg.transpose(
                f.reshape(uv, f.constant(new int[] {n, height, 2, width})),
                f.constant(new int[] {2, 1, 0, 3})),
            f.constant(new int[] {2 * height, n * width}));
    Operand<TFloat32> x = f.linalg.matMul(f.withName("basis_h").constant(heightBasis()), stacked);
    Operand<TFloat32> nhwc =
        f.linalg.transpose(
            f.reshape(x, f.constant(new int[] {height, batch, channels, width})),
            f.constant(new int[] {1, 0, 3, 2}));
    return standardize(f.withSubScope("image"), nhwc);
  }

  /** {@code (x − mean) / (std + ε)} per batch element. */
  static Operand<TFloat32> standardize(Ops s, Operand<TFloat32> x) {
    Operand<TInt32> axes = s.constant(new int[] {1, 2, 3});
    Operand<TFloat32> mean = s.math.mean(x, axes, Mean.keepDims(true));
    Operand<TFloat32> centred = s.math.sub(x, mean);
    Operand<TFloat32> variance = s.math.mean(s.math.square(centred), axes, Mean.keepDims(true));
    return s.math.div(centred, s.math.add(s.math.sqrt(variance), s.constant(STD_EPSILON)));
  }

  /** {@code [[C_w, S_w], [−S_w, C_w]]}, 2·(W/2+1) × 2W. */
  private float[][] widthBasis() {
    float[][] m = new float[2 * columns][2 * width];
    double norm = (double) height * width;
    for (int l = 0; l < columns; l++) {
      double c = (l == 0 || 2 * l == width) ? 1 : 2;
      for (int s = 0; s < width; s++) {
        // Reducing l·s modulo W before the angle keeps large sizes as accurate as small ones.
        double angle = 2 * Math.PI * ((long) l * s % width) / width;
        float cos = (float) (c * Math.cos(angle) / norm);
        float sin = (float) (c * Math.sin(angle) / norm);
        m[l][s] = cos;
        m[l][width + s] = sin;
        m[columns + l][s] = -sin;
        m[columns + l][width + s] = cos;
      }
    }
    return m;
  }

  /** {@code [cos a | −sin a]}, H × 2H. */
  private float[][] heightBasis() {
    float[][] m = new float[height][2 * height];
    for (int t = 0; t < height; t++) {
      for (int k = 0; k < height; k++) {
        double angle = 2 * Math.PI * ((long) k * t % height) / height;
        m[t][k] = (float) Math.cos(angle);
        m[t][height + k] = (float) -Math.sin(angle);
      }
    }
    return m;
  }

  /**
   * The magnitude {@code [channels][rows][columns]}: the source resized bilinearly with half-pixel
   * centres (as {@code tf.image.resize} does, which is what Xplique uses).
   */
  static float[][][] magnitude(int channels, int rows, int columns) {
    float[] src = source();
    float[][][] rgb = new float[SOURCE_CHANNELS][rows][columns];
    for (int c = 0; c < SOURCE_CHANNELS; c++) {
      for (int i = 0; i < rows; i++) {
        double y = sourcePosition(i, rows, SOURCE_ROWS);
        int y0 = (int) Math.floor(y);
        int y1 = Math.min(y0 + 1, SOURCE_ROWS - 1);
        double fy = y - y0;
        for (int j = 0; j < columns; j++) {
          double x = sourcePosition(j, columns, SOURCE_COLUMNS);
          int x0 = (int) Math.floor(x);
          int x1 = Math.min(x0 + 1, SOURCE_COLUMNS - 1);
          double fx = x - x0;
          int base = c * SOURCE_ROWS * SOURCE_COLUMNS;
          double top =
              src[base + y0 * SOURCE_COLUMNS + x0] * (1 - fx)
                  + src[base + y0 * SOURCE_COLUMNS + x1] * fx;
          double bottom =
              src[base + y1 * SOURCE_COLUMNS + x0] * (1 - fx)
                  + src[base + y1 * SOURCE_COLUMNS + x1] * fx;
          rgb[c][i][j] = (float) (top * (1 - fy) + bottom * fy);
        }
      }
    }
    if (channels == SOURCE_CHANNELS) {
      return rgb;
    }
    float[][][] out = new float[channels][rows][columns];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        float mean = (rgb[0][i][j] + rgb[1][i][j] + rgb[2][i][j]) / SOURCE_CHANNELS;
        for (int c = 0; c < channels; c++) {
          out[c][i][j] = mean;
        }
      }
    }
    return out;
  }

  /** Half-pixel centres, clamped to the first sample: {@code (i + 0.5)·in/out − 0.5}. */
  private static double sourcePosition(int i, int out, int in) {
    return Math.max(0, (i + 0.5) * in / out - 0.5);
  }

  /** The .npy file's floats, read once: a 128-byte header, then little-endian float32. */
  private static float[] source() {
    float[] s = source;
    if (s != null) {
      return s;
    }
    synchronized (MacoSpectrum.class) {
      if (source == null) {
        source = read();
      }
      return source;
    }
  }

  private static float[] read() {
    try (InputStream in = MacoSpectrum.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + RESOURCE + " is missing");
      }
      byte[] bytes = in.readAllBytes();
      int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
      String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
      String shape = "(" + SOURCE_CHANNELS + ", " + SOURCE_ROWS + ", " + SOURCE_COLUMNS + ")";
      if (!header.contains("'<f4'") || !header.contains(shape)) {
        throw new IllegalStateException(RESOURCE + " is not float32 " + shape + ": " + header);
      }
      int count = SOURCE_CHANNELS * SOURCE_ROWS * SOURCE_COLUMNS;
      float[] values = new float[count];
      ByteBuffer.wrap(bytes, 10 + headerLength, count * 4)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(values);
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
