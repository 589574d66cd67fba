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
import org.tensorflow.ndarray.Shape;

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
    SplittableRandom pick = new SplittableRandom(5);
    GraphRunner.assertGradientIsFiniteDifferences(
        p,
        normal(shape, 3),
        normal(p.imageShape(), 4),
        pick.ints(12, 0, (int) shape.size()).toArray());
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

  private static float[] normal(Shape shape, long seed) {
    return GraphRunner.normal(shape, seed, 1);
  }
}
