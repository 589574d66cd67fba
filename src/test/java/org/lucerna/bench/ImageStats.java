package org.lucerna.bench;

import org.lucerna.optvis.ImageBatch;

/** What the quality tools measure on a finished image besides the objective. */
final class ImageStats {
  private ImageStats() {}

  /**
   * The standard deviation of the pixel values, all channels together (ImageNet's photos: about
   * 0.23 per channel).
   */
  static double contrast(ImageBatch image) {
    double sum = 0;
    double squares = 0;
    for (float p : image.pixels()) {
      sum += p;
      squares += (double) p * p;
    }
    double mean = sum / image.pixels().length;
    return Math.sqrt(Math.max(0, squares / image.pixels().length - mean * mean));
  }

  /** The share of pixel values within 1% of black or white. */
  static double saturation(ImageBatch image) {
    long n = 0;
    for (float p : image.pixels()) {
      if (p < 0.01f || p > 0.99f) {
        n++;
      }
    }
    return (double) n / image.pixels().length;
  }
}
