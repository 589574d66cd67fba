package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.param.ParamSpec.Kind;
import org.lucerna.optvis.param.ParamSpec.Squash;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The MACO parametrization against a direct inverse DFT, and its gradient. */
class MacoSpectrumTest {
  private static final ParamSpec MACO = new ParamSpec(Kind.MACO, 1, true, Squash.SIGMOID, 1);

  @Test
  void theImageIsTheStandardizedInverseRealDftOfTheFixedMagnitudeWithThePhase() {
    int[][] sizes = {{6, 7}, {8, 8}, {5, 4}, {1, 3}};
    for (int[] hw : sizes) {
      int batch = 2;
      int channels = 3;
      int h = hw[0];
      int w = hw[1];
      MacoSpectrum basis = new MacoSpectrum(batch, h, w, channels);
      float[] phase = normal(basis.parameterShape(), 11);
      float[] image = GraphRunner.run(basis.parameterShape(), phase, basis::toImage);
      double[] expected = directImage(phase, batch, channels, h, w);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], image[i], 2e-4, h + "x" + w + " value " + i);
      }
    }
  }

  /**
   * The same computation in double precision, written the plain way: standardize the phase per
   * image, then {@code x[t,s] = Re Σ_k Σ_l c_l·X[k,l]·e^{2πi(kt/H + ls/W)} / (HW)}, then
   * standardize.
   */
  private static double[] directImage(float[] phase, int batch, int channels, int h, int w) {
    int cols = w / 2 + 1;
    float[][][] magnitude = MacoSpectrum.magnitude(channels, h, cols);
    double[] out = new double[batch * h * w * channels];
    int per = channels * h * cols;
    for (int b = 0; b < batch; b++) {
      double[] p = standardized(phase, b * per, per);
      double[] img = new double[h * w * channels];
      for (int c = 0; c < channels; c++) {
        for (int t = 0; t < h; t++) {
          for (int s = 0; s < w; s++) {
            double sum = 0;
            for (int k = 0; k < h; k++) {
              for (int l = 0; l < cols; l++) {
                double weight = (l == 0 || 2 * l == w) ? 1 : 2;
                double a = magnitude[c][k][l];
                double phi = p[(c * h + k) * cols + l];
                double angle = 2 * Math.PI * ((double) k * t / h + (double) l * s / w);
                sum += weight * a * Math.cos(phi + angle);
              }
            }
            img[(t * w + s) * channels + c] = sum / (h * w);
          }
        }
      }
      double[] std = standardized(img, 0, img.length);
      System.arraycopy(std, 0, out, b * img.length, img.length);
    }
    return out;
  }

  private static double[] standardized(float[] v, int from, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = v[from + i];
    }
    return standardized(d, 0, n);
  }

  private static double[] standardized(double[] v, int from, int n) {
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += v[from + i];
    }
    mean /= n;
    double var = 0;
    for (int i = 0; i < n; i++) {
      var += (v[from + i] - mean) * (v[from + i] - mean);
    }
    double std = Math.sqrt(var / n) + 1e-5;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = (v[from + i] - mean) / std;
    }
    return out;
  }

  @Test
  void theMagnitudeAtItsOwnSizeIsTheFileAndFallsWithFrequency() {
    float[][][] m = MacoSpectrum.magnitude(3, 512, 257);
    // Values read with numpy from the file: a[:, 0, 0], a[:, 100, 100].
    assertArrayEquals(
        new float[] {255052.2f, 269510.84f, 227829.1f},
        new float[] {m[0][0][0], m[1][0][0], m[2][0][0]},
        0.1f);
    assertArrayEquals(
        new float[] {80.47837f, 55.319035f, 64.97984f},
        new float[] {m[0][100][100], m[1][100][100], m[2][100][100]},
        1e-3f);
    float[][][] small = MacoSpectrum.magnitude(1, 64, 33);
    assertTrue(small[0][1][1] > small[0][16][16] && small[0][16][16] > small[0][32][32]);
  }

  @Test
  void theGradientEqualsFiniteDifferencesThroughColorsAndSigmoid() {
    ImageParametrization p = ImageParametrization.of(MACO, 2, 6, 5, 3);
    Shape shape = p.parameterShape();
    assertEquals(Shape.of(2, 3, 6, 3), shape);
    float[] phase = normal(shape, 3);
    float[] weights = normal(p.imageShape(), 4);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      Operand<TFloat32> img = p.image(tf, in);
      Operand<TFloat32> value =
          tf.reduceSum(
              tf.math.mul(img, tf.constant(p.imageShape(), DataBuffers.of(weights, true, false))),
              tf.constant(new int[] {0, 1, 2, 3}));
      Output<?> grad = g.addGradients(value.asOutput(), new Output<?>[] {in.asOutput()})[0];
      float[] analytic = fetch(s, in, shape, phase, grad);
      SplittableRandom pick = new SplittableRandom(5);
      double eps = 1e-2;
      for (int n = 0; n < 12; n++) {
        int i = pick.nextInt(phase.length);
        float[] up = phase.clone();
        float[] down = phase.clone();
        up[i] += (float) eps;
        down[i] -= (float) eps;
        double numeric =
            (fetch(s, in, shape, up, value.asOutput())[0]
                    - fetch(s, in, shape, down, value.asOutput())[0])
                / (2 * eps);
        assertEquals(numeric, analytic[i], 2e-2 * Math.max(1, Math.abs(numeric)), "parameter " + i);
      }
    }
  }

  @Test
  void itStartsFromUnitNoiseAndCannotStartFromAPicture() {
    ImageParametrization p = ImageParametrization.of(MACO, 1, 8, 8, 3);
    float[] init = p.initialParameters(7);
    assertEquals(3 * 8 * 5, init.length);
    double sq = 0;
    for (float v : init) {
      sq += v * v;
    }
    assertEquals(1, Math.sqrt(sq / init.length), 0.25);
    assertFalse(Kind.MACO.startsFromPicture());
    assertThrows(IllegalArgumentException.class, () -> p.parametersFor(new float[8 * 8 * 3]));
  }

  private static float[] fetch(
      Session s, Placeholder<TFloat32> in, Shape shape, float[] values, Output<?> out) {
    try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
        Result r = s.runner().feed(in, t).fetch(out).run()) {
      TFloat32 o = (TFloat32) r.get(0);
      float[] v = new float[(int) o.shape().size()];
      o.copyTo(DataBuffers.of(v, false, false));
      return v;
    }
  }

  private static float[] normal(Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          (float)
              (Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
                  * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return v;
  }
}
