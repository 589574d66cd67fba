package org.lucerna.optvis.param;

/**
 * Lucid's square root of ImageNet's RGB covariance, divided by its largest column norm so that no
 * channel is amplified: {@code rgb = M · t} per pixel. Decorrelated parameters let the optimizer
 * change brightness and hue independently, which gives less noisy colors.
 */
final class ColorDecorrelation {
  private static final double[][] SQRT_COVARIANCE = {
    {0.26, 0.09, 0.02},
    {0.27, 0.00, -0.05},
    {0.27, -0.09, 0.03}
  };

  /** {@code M}, row-major 3×3. */
  static final double[][] MATRIX = normalized();

  /** {@code M⁻¹}, for mapping a starting image back. */
  static final double[][] INVERSE = invert(MATRIX);

  private ColorDecorrelation() {}

  private static double[][] normalized() {
    double max = 0;
    for (int col = 0; col < 3; col++) {
      double sq = 0;
      for (double[] row : SQRT_COVARIANCE) {
        sq += row[col] * row[col];
      }
      max = Math.max(max, Math.sqrt(sq));
    }
    double[][] m = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        m[i][j] = SQRT_COVARIANCE[i][j] / max;
      }
    }
    return m;
  }

  private static double[][] invert(double[][] m) {
    double det =
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    double[][] inv = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        // Cofactor of m[j][i], via cyclic indices so that the sign comes out right without a table.
        int r1 = (j + 1) % 3;
        int r2 = (j + 2) % 3;
        int c1 = (i + 1) % 3;
        int c2 = (i + 2) % 3;
        inv[i][j] = (m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]) / det;
      }
    }
    return inv;
  }
}
