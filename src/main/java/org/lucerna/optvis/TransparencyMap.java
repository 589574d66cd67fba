package org.lucerna.optvis;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * MACO's transparency (attribution) map of one image: per pixel, the sum over the render's steps
 * and the image's channels of |∂loss/∂image|, which shows where the objective drew the image from.
 * Shown divided by its 99th percentile and clipped to 1 (MACO's percentile clip), so that a few
 * very large values do not leave the rest black.
 *
 * @param values {@code [height, width]} row-major, at least 0
 */
public record TransparencyMap(int height, int width, float[] values) {
  /** The percentile the map is divided by. */
  public static final double CLIP_PERCENTILE = 99;

  public TransparencyMap {
    if (values.length != height * width) {
      throw new IllegalArgumentException(
          "expected " + height * width + " values, got " + values.length);
    }
  }

  /** The map in [0, 1]: divided by its 99th percentile and clipped (all 0 if that is 0). */
  public float[] normalized() {
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    double clip = sorted[(int) Math.floor(CLIP_PERCENTILE / 100 * (sorted.length - 1))];
    if (!(clip > 0)) {
      clip = sorted[sorted.length - 1];
    }
    float[] out = new float[values.length];
    if (!(clip > 0)) {
      return out;
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) Math.min(1, Math.max(0, values[i] / clip));
    }
    return out;
  }

  /** The map as an 8-bit grayscale PNG: white where the gradient was largest. */
  public byte[] grayPng() {
    float[] a = normalized();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, ImageBatch.byte8(a[y * width + x]));
      }
    }
    return ImageBatch.encode(image);
  }

  /** Batch element {@code index} of {@code images} with this map as its alpha: an RGBA PNG. */
  public byte[] alphaPng(ImageBatch images, int index) {
    if (images.height() != height || images.width() != width) {
      throw new IllegalArgumentException(
          "the map is "
              + height
              + "×"
              + width
              + ", the image "
              + images.height()
              + "×"
              + images.width());
    }
    float[] a = normalized();
    int c = images.channels();
    float[] p = images.pixels();
    int base = index * height * width * c;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int at = base + (y * width + x) * c;
        int r = ImageBatch.byte8(p[at]);
        int g = c >= 3 ? ImageBatch.byte8(p[at + 1]) : r;
        int b = c >= 3 ? ImageBatch.byte8(p[at + 2]) : r;
        int alpha = ImageBatch.byte8(a[y * width + x]);
        image.setRGB(x, y, (alpha << 24) | (r << 16) | (g << 8) | b);
      }
    }
    return ImageBatch.encode(image);
  }
}
