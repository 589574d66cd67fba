package org.lucerna.optvis;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A batch of images, NHWC, values in [0, 1]. One channel is gray, three are RGB, four RGBA; other
 * counts show their first channel as gray, or their first three as RGB.
 */
public record ImageBatch(int batch, int height, int width, int channels, float[] pixels) {

  public ImageBatch {
    if (pixels.length != batch * height * width * channels) {
      throw new IllegalArgumentException(
          "expected " + batch * height * width * channels + " values, got " + pixels.length);
    }
  }

  /** An RGB batch. */
  public static ImageBatch rgb(int batch, int height, int width, float[] pixels) {
    return new ImageBatch(batch, height, width, 3, pixels);
  }

  /** Element {@code index} of the batch as an 8-bit PNG. */
  public byte[] png(int index) {
    BufferedImage image =
        new BufferedImage(
            width,
            height,
            channels == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    draw(image, index, 0, 0);
    return encode(image);
  }

  /**
   * The whole batch as one PNG: a grid as close to square as the batch allows, rows filled first.
   */
  public byte[] gridPng() {
    int columns = (int) Math.ceil(Math.sqrt(batch));
    int rows = (batch + columns - 1) / columns;
    BufferedImage grid =
        new BufferedImage(
            columns * width,
            rows * height,
            channels == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    for (int b = 0; b < batch; b++) {
      draw(grid, b, (b % columns) * width, (b / columns) * height);
    }
    return encode(grid);
  }

  private void draw(BufferedImage target, int index, int ox, int oy) {
    int base = index * height * width * channels;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = base + (y * width + x) * channels;
        int r = byte8(pixels[p]);
        int g = channels >= 3 ? byte8(pixels[p + 1]) : r;
        int b = channels >= 3 ? byte8(pixels[p + 2]) : r;
        int a = channels == 4 ? byte8(pixels[p + 3]) : 255;
        target.setRGB(ox + x, oy + y, (a << 24) | (r << 16) | (g << 8) | b);
      }
    }
  }

  static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static int byte8(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }
}
