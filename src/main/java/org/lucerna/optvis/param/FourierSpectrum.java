package org.lucerna.optvis.param;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * {@link ParamSpec.Kind#FOURIER}: parameters {@code [B, C, H, W]}, each channel's H·W spectrum
 * coefficients (row i and column j at frequencies |fftfreq(H)[i]|, |fftfreq(W)[j]|), scaled by the
 * frequency factor S and taken through the real orthonormal basis of {@link FourierBasis}: {@code
 * B_H · (S ⊙ P) · B_Wᵀ}.
 */
final class FourierSpectrum implements Basis {
  private final int batch;
  private final int height;
  private final int width;
  private final int channels;

  /** The frequency factor S, row-major H×W. */
  private final double[] scale;

  FourierSpectrum(int batch, int height, int width, int channels, double decay) {
    this.batch = batch;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.scale = frequencyScale(height, width, decay);
  }

  @Override
  public Shape parameterShape() {
    return Shape.of(batch, channels, height, width);
  }

  @Override
  public Operand<TFloat32> toImage(Ops p, Operand<TFloat32> params) {
    Ops f = p.withSubScope("fourier");
    int n = batch * channels;
    Operand<TFloat32> scaled =
        f.math.mul(params, f.withName("scale").constant(toFloat(scale, height, width)));
    // Right product over the width axis: [B·C·H, W] × B_Wᵀ.
    Operand<TFloat32> rows = f.reshape(scaled, f.constant(new int[] {n * height, width}));
    Operand<TFloat32> byWidth =
        f.linalg.matMul(
            rows, f.withName("basis_w").constant(basis(width)), MatMul.transposeB(true));
    // Left product over the height axis: bring H to the front, B_H × [H, B·C·W].
    Operand<TFloat32> heightFirst =
        f.linalg.transpose(
            f.reshape(byWidth, f.constant(new int[] {n, height, width})),
            f.constant(new int[] {1, 0, 2}));
    Operand<TFloat32> byHeight =
        f.linalg.matMul(
            f.withName("basis_h").constant(basis(height)),
            f.reshape(heightFirst, f.constant(new int[] {height, n * width})));
    Operand<TFloat32> hbcw =
        f.reshape(byHeight, f.constant(new int[] {height, batch, channels, width}));
    return f.linalg.transpose(hbcw, f.constant(new int[] {1, 0, 3, 2}));
  }

  /** {@code P = (B_Hᵀ · X · B_W) / S} per image and channel; NHWC in, [B, C, H, W] out. */
  @Override
  public double[] toParameters(double[] x) {
    double[] bh = FourierBasis.of(height);
    double[] bw = FourierBasis.of(width);
    double[] out = new double[x.length];
    double[] xw = new double[height * width];
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < channels; c++) {
        // X · B_W
        for (int i = 0; i < height; i++) {
          for (int l = 0; l < width; l++) {
            double sum = 0;
            for (int j = 0; j < width; j++) {
              sum += x[((b * height + i) * width + j) * channels + c] * bw[j * width + l];
            }
            xw[i * width + l] = sum;
          }
        }
        int base = (b * channels + c) * height * width;
        // B_Hᵀ · (X · B_W), then divide by S
        for (int k = 0; k < height; k++) {
          for (int l = 0; l < width; l++) {
            double sum = 0;
            for (int i = 0; i < height; i++) {
              sum += bh[i * height + k] * xw[i * width + l];
            }
            out[base + k * width + l] = sum / scale[k * width + l];
          }
        }
      }
    }
    return out;
  }

  /** {@code S[i,j] = 1 / (sqrt(fh_i² + fw_j²) + 1/sqrt(HW))^decay}. */
  static double[] frequencyScale(int height, int width, double decay) {
    double floor = 1 / Math.sqrt((double) height * width);
    double[] s = new double[height * width];
    for (int i = 0; i < height; i++) {
      double fh = FourierBasis.frequency(height, i);
      for (int j = 0; j < width; j++) {
        double fw = FourierBasis.frequency(width, j);
        s[i * width + j] = 1 / Math.pow(Math.sqrt(fh * fh + fw * fw) + floor, decay);
      }
    }
    return s;
  }

  private static float[][] basis(int n) {
    return toFloat(FourierBasis.of(n), n, n);
  }

  private static float[][] toFloat(double[] rowMajor, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        m[i][j] = (float) rowMajor[i * cols + j];
      }
    }
    return m;
  }
}
