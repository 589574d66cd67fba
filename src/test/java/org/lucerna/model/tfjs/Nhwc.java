package org.lucerna.model.tfjs;

import java.util.function.DoubleUnaryOperator;

/**
 * An image-shaped tensor of batch 1 and the Keras layer computations on it, written as plain loops
 * in double precision from the Keras documentation, independent of TensorFlow: what the importer's
 * graph is checked against.
 */
record Nhwc(int h, int w, int c, double[] v) {

  static Nhwc of(int h, int w, int c, float[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return new Nhwc(h, w, c, d);
  }

  double at(int y, int x, int ch) {
    return v[(y * w + x) * c + ch];
  }

  /** Keras 'same': output ceil(in / stride), the odd pixel of padding at the end. */
  static int padBefore(int in, int k, int stride, int dilation, boolean same) {
    if (!same) {
      return 0;
    }
    int out = (in + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0);
    return total / 2;
  }

  static int outSize(int in, int k, int stride, int dilation, boolean same) {
    return same ? (in + stride - 1) / stride : (in - (k - 1) * dilation - 1) / stride + 1;
  }

  /** Convolution with kernel [kh, kw, c, out]; depthwise with kernel [kh, kw, c, multiplier]. */
  Nhwc conv(
      float[] kernel,
      int kh,
      int kw,
      int outC,
      int stride,
      int dilation,
      boolean same,
      boolean depthwise) {
    int oh = outSize(h, kh, stride, dilation, same);
    int ow = outSize(w, kw, stride, dilation, same);
    int py = padBefore(h, kh, stride, dilation, same);
    int px = padBefore(w, kw, stride, dilation, same);
    int channels = depthwise ? c * outC : outC;
    double[] out = new double[oh * ow * channels];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int o = 0; o < channels; o++) {
          double sum = 0;
          for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
              int sy = y * stride + i * dilation - py;
              int sx = x * stride + j * dilation - px;
              if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
                continue;
              }
              if (depthwise) {
                int ch = o / outC;
                sum += at(sy, sx, ch) * kernel[((i * kw + j) * c + ch) * outC + o % outC];
              } else {
                for (int ch = 0; ch < c; ch++) {
                  sum += at(sy, sx, ch) * kernel[((i * kw + j) * c + ch) * outC + o];
                }
              }
            }
          }
          out[(y * ow + x) * channels + o] = sum;
        }
      }
    }
    return new Nhwc(oh, ow, channels, out);
  }

  /** Max or average pooling; the average counts only the pixels inside the image. */
  Nhwc pool(int k, int stride, boolean same, boolean max) {
    int oh = outSize(h, k, stride, 1, same);
    int ow = outSize(w, k, stride, 1, same);
    int py = padBefore(h, k, stride, 1, same);
    int px = padBefore(w, k, stride, 1, same);
    double[] out = new double[oh * ow * c];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        for (int ch = 0; ch < c; ch++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int n = 0;
          for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
              int sy = y * stride + i - py;
              int sx = x * stride + j - px;
              if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                acc = max ? Math.max(acc, at(sy, sx, ch)) : acc + at(sy, sx, ch);
                n++;
              }
            }
          }
          out[(y * ow + x) * c + ch] = max ? acc : acc / n;
        }
      }
    }
    return new Nhwc(oh, ow, c, out);
  }

  Nhwc perChannel(float[] scale, float[] offset) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i] * (scale == null ? 1 : scale[i % c]) + (offset == null ? 0 : offset[i % c]);
    }
    return new Nhwc(h, w, c, out);
  }

  Nhwc map(DoubleUnaryOperator f) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(out[i]);
    }
    return new Nhwc(h, w, c, out);
  }

  Nhwc plus(Nhwc o) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += o.v[i];
    }
    return new Nhwc(h, w, c, out);
  }

  Nhwc concat(Nhwc o) {
    double[] out = new double[h * w * (c + o.c)];
    for (int p = 0; p < h * w; p++) {
      System.arraycopy(v, p * c, out, p * (c + o.c), c);
      System.arraycopy(o.v, p * o.c, out, p * (c + o.c) + c, o.c);
    }
    return new Nhwc(h, w, c + o.c, out);
  }

  Nhwc zeroPad(int top, int bottom, int left, int right) {
    int oh = h + top + bottom;
    int ow = w + left + right;
    double[] out = new double[oh * ow * c];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        System.arraycopy(v, (y * w + x) * c, out, ((y + top) * ow + x + left) * c, c);
      }
    }
    return new Nhwc(oh, ow, c, out);
  }

  /** Global average pooling, as a [1, 1, c] tensor. */
  Nhwc globalAverage() {
    double[] out = new double[c];
    for (int i = 0; i < v.length; i++) {
      out[i % c] += v[i] / (h * w);
    }
    return new Nhwc(1, 1, c, out);
  }

  /** A Dense layer on the flattened tensor: kernel [h*w*c, units]. */
  Nhwc dense(float[] kernel, float[] bias, int units) {
    double[] out = new double[units];
    for (int u = 0; u < units; u++) {
      double sum = bias == null ? 0 : bias[u];
      for (int i = 0; i < v.length; i++) {
        sum += v[i] * kernel[i * units + u];
      }
      out[u] = sum;
    }
    return new Nhwc(1, 1, units, out);
  }

  Nhwc softmax() {
    double max = java.util.Arrays.stream(v).max().orElse(0);
    double[] e = java.util.Arrays.stream(v).map(x -> Math.exp(x - max)).toArray();
    double sum = java.util.Arrays.stream(e).sum();
    return new Nhwc(h, w, c, java.util.Arrays.stream(e).map(x -> x / sum).toArray());
  }
}
