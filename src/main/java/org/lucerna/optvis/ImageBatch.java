package org.lucerna.optvis;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** A batch of RGB images, NHWC, values in [0, 1]. */
public record ImageBatch(int batch, int height, int width, float[] pixels) {

  public ImageBatch {
    if (pixels.length != batch * height * width * 3) {
      throw new IllegalArgumentException("expected " + batch * height * width * 3 + " values, got " + pixels.length);
    }
  }

  /** Element {@code index} of the batch as an 8-bit PNG. */
  public byte[] png(int index) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int base = index * height * width * 3;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = base + (y * width + x) * 3;
        image.setRGB(x, y, (byte8(pixels[p]) << 16) | (byte8(pixels[p + 1]) << 8) | byte8(pixels[p + 2]));
      }
    }
    return encode(image);
  }

  /** The whole batch as one PNG: a grid as close to square as the batch allows, rows filled first. */
  public byte[] gridPng() {
    int columns = (int) Math.ceil(Math.sqrt(batch));
    int rows = (batch + columns - 1) / columns;
    BufferedImage grid = new BufferedImage(columns * width, rows * height, BufferedImage.TYPE_INT_RGB);
    for (int b = 0; b < batch; b++) {
      int ox = (b % columns) * width;
      int oy = (b / columns) * height;
      int base = b * height * width * 3;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int p = base + (y * width + x) * 3;
          grid.setRGB(ox + x, oy + y, (byte8(pixels[p]) << 16) | (byte8(pixels[p + 1]) << 8) | byte8(pixels[p + 2]));
        }
      }
    }
    return encode(grid);
  }

  private static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int byte8(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }
}
