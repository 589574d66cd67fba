package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class FourierBasisTest {
  @Test
  void everySizeUpTo40IsOrthonormal() {
    for (int n = 1; n <= 40; n++) {
      double[] b = FourierBasis.of(n);
      for (int k = 0; k < n; k++) {
        for (int l = 0; l < n; l++) {
          double dot = 0;
          for (int t = 0; t < n; t++) {
            dot += b[t * n + k] * b[t * n + l];
          }
          assertEquals(k == l ? 1 : 0, dot, 1e-12, "n=" + n + " columns " + k + "," + l);
        }
      }
    }
  }

  @Test
  void columnKOscillatesAtTheMagnitudeOfFftfreq() {
    for (int n : new int[] {4, 5, 8, 9, 33}) {
      double[] b = FourierBasis.of(n);
      for (int k = 0; k < n; k++) {
        int bin = (int) Math.round(FourierBasis.frequency(n, k) * n);
        double atBin = 0;
        double total = 0;
        for (int f = 0; f < n; f++) {
          double re = 0;
          double im = 0;
          for (int t = 0; t < n; t++) {
            re += b[t * n + k] * Math.cos(2 * Math.PI * f * t / n);
            im -= b[t * n + k] * Math.sin(2 * Math.PI * f * t / n);
          }
          double power = re * re + im * im;
          total += power;
          if (f == bin || f == (n - bin) % n) {
            atBin += power;
          }
        }
        assertEquals(1, atBin / total, 1e-12, "n=" + n + " column " + k + " expected bin " + bin);
      }
    }
  }

  @Test
  void fftfreqMagnitudesFollowNumpy() {
    // numpy.fft.fftfreq(5) = [0, .2, .4, -.4, -.2]; fftfreq(4) = [0, .25, -.5, -.25]
    double[] five = {0, .2, .4, .4, .2};
    double[] four = {0, .25, .5, .25};
    for (int k = 0; k < 5; k++) {
      assertEquals(five[k], FourierBasis.frequency(5, k), 1e-15);
    }
    for (int k = 0; k < 4; k++) {
      assertEquals(four[k], FourierBasis.frequency(4, k), 1e-15);
    }
  }

  @Test
  void aSizeIsBuiltOnceWhileCached() {
    assertSame(FourierBasis.of(12), FourierBasis.of(12));
  }
}
