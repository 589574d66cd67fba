package org.lucerna.optvis.param;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The real orthonormal 1-D basis behind the bijective Fourier parametrization: column k of the n×n
 * matrix is the signal that parameter k produces through the Hermitian fold and an orthonormal
 * inverse DFT. Column 0 is the constant, column k (0 &lt; k &lt; n/2) the cosine of frequency k,
 * column n−k its sine, and for even n column n/2 the alternating signal. So column k has frequency
 * |fftfreq(n)[k]|, and the 2-D image is {@code B_H · (S ⊙ P) · B_Wᵀ}.
 *
 * <p>Why matrices rather than an inverse FFT: TensorFlow's FFT ops have no gradient in the C++
 * registry that {@code Graph.addGradients} uses.
 */
final class FourierBasis {
  /**
   * Cache budget in matrix entries: 2²⁴ doubles, 128 MB: four bases of side 2048, or hundreds of
   * small ones.
   */
  private static final long CACHE_ENTRIES = 1L << 24;

  // Access-ordered, so the least recently used size is the one dropped.
  private static final LinkedHashMap<Integer, double[]> CACHE =
      new LinkedHashMap<>(16, 0.75f, true);
  private static long cached;

  private FourierBasis() {}

  /**
   * The n×n basis, row-major ({@code [t * n + k]} is sample t of column k); callers must not modify
   * it.
   */
  static double[] of(int n) {
    synchronized (CACHE) {
      double[] basis = CACHE.get(n);
      if (basis == null) {
        basis = build(n);
        CACHE.put(n, basis);
        cached += basis.length;
        Iterator<double[]> oldest = CACHE.values().iterator();
        while (cached > CACHE_ENTRIES && CACHE.size() > 1) {
          cached -= oldest.next().length;
          oldest.remove();
        }
      }
      return basis;
    }
  }

  /** |fftfreq(n)[k]| in cycles per sample. */
  static double frequency(int n, int k) {
    return Math.min(k, n - k) / (double) n;
  }

  private static double[] build(int n) {
    double[] b = new double[n * n];
    double dc = 1 / Math.sqrt(n);
    double pair = Math.sqrt(2.0 / n);
    for (int t = 0; t < n; t++) {
      for (int k = 0; k < n; k++) {
        int m = Math.min(k, n - k);
        // Reducing m·t modulo n before the angle keeps large sizes as accurate as small ones.
        double angle = 2 * Math.PI * ((long) m * t % n) / n;
        double value;
        if (k == 0) {
          value = dc;
        } else if (2 * k == n) {
          value = (t % 2 == 0) ? dc : -dc;
        } else if (2 * k < n) {
          value = pair * Math.cos(angle);
        } else {
          // The imaginary part of a Hermitian pair contributes −sin to the real inverse DFT.
          value = -pair * Math.sin(angle);
        }
        b[t * n + k] = value;
      }
    }
    return b;
  }
}
