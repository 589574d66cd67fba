package org.lucerna.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** PNG files for and from the tests: written, read, and measured. */
public final class TestPngs {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private TestPngs() {}

  public static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer for image type " + image.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A picture that ImageIO can read, or an AssertionError saying that it is none. */
  public static BufferedImage decode(byte[] png) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      if (image == null) {
        throw new AssertionError("not an image: " + png.length + " bytes");
      }
      return image;
    } catch (IOException e) {
      throw new AssertionError("unreadable image: " + e.getMessage(), e);
    }
  }

  /**
   * The signature and header chunk of an RGB PNG of that size, and nothing else: a file that claims
   * a lot.
   */
  public static byte[] header(int width, int height) {
    ByteBuffer ihdr =
        ByteBuffer.allocate(17)
            .put("IHDR".getBytes(StandardCharsets.US_ASCII))
            .putInt(width)
            .putInt(height)
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    return ByteBuffer.allocate(SIGNATURE.length + 4 + 17 + 4)
        .put(SIGNATURE)
        .putInt(13)
        .put(ihdr.array())
        .putInt((int) crc.getValue())
        .array();
  }

  /** The standard deviation of every red, green and blue level of the image, in 0..255. */
  public static double levelStdDev(BufferedImage image) {
    double sum = 0;
    double squares = 0;
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          int v = (rgb >> shift) & 0xff;
          sum += v;
          squares += (double) v * v;
          n++;
        }
      }
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, squares / n - mean * mean));
  }

  /**
   * The correlation of each level with the same level one pixel to the right: near 1 for a picture
   * whose neighbours look alike, near 0 for noise.
   */
  public static double neighbourCorrelation(BufferedImage image) {
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double syy = 0;
    double sxy = 0;
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x + 1 < image.getWidth(); x++) {
        int left = image.getRGB(x, y);
        int right = image.getRGB(x + 1, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          double a = (left >> shift) & 0xff;
          double b = (right >> shift) & 0xff;
          sx += a;
          sy += b;
          sxx += a * a;
          syy += b * b;
          sxy += a * b;
          n++;
        }
      }
    }
    double cov = sxy / n - (sx / n) * (sy / n);
    double var = Math.sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
    return var == 0 ? 0 : cov / var;
  }
}
