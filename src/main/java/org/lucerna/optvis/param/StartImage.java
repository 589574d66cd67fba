package org.lucerna.optvis.param;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A starting image: the uploaded PNG or JPEG file's bytes, its SHA-256, and the picture decoded
 * from them once. Reading checks the pixel count in the file's header against the limit the caller
 * gives before decoding, so that a small file that would decode into gigabytes is refused without
 * decoding it.
 *
 * <p>{@link #pixels} fits the picture to an image: it is scaled, keeping the aspect ratio, so that
 * it covers H×W, then the centre is cropped (nothing is stretched, the longer side loses its
 * edges). Scaling is bilinear, by successive halvings while the picture is more than twice too
 * large, so a large photo is averaged rather than sampled. Channels: 3 gives RGB, 1 gives luma
 * (BT.601: 0.299 R + 0.587 G + 0.114 B), 4 gives RGBA (opaque when the picture has no alpha); other
 * counts are refused.
 */
public final class StartImage {
  private final byte[] bytes;
  private final String sha256;
  private final BufferedImage picture;

  private StartImage(byte[] bytes, String sha256, BufferedImage picture) {
    this.bytes = bytes;
    this.sha256 = sha256;
    this.picture = picture;
  }

  /**
   * Reads an uploaded file.
   *
   * @param maxPixels the most pixels (width × height) the file may hold
   * @throws TooLargeException when its header says it holds more
   * @throws StartImageException when it is not a PNG or JPEG file that decodes
   */
  public static StartImage read(byte[] bytes, long maxPixels) {
    long pixels = headerPixels(bytes);
    if (pixels > maxPixels) {
      throw new TooLargeException(pixels, maxPixels);
    }
    return new StartImage(bytes, sha256(bytes), decode(bytes));
  }

  /**
   * Reads a job's picture back from where it was kept; it passed {@link #read}'s pixel limit when
   * it was uploaded, and the caller checks {@link #sha256()} against the job's reference.
   */
  public static StartImage stored(byte[] bytes) {
    return read(bytes, Long.MAX_VALUE);
  }

  /** The file as uploaded; callers must not modify it. */
  public byte[] bytes() {
    return bytes;
  }

  /** SHA-256 of {@link #bytes()}, lower-case hex. */
  public String sha256() {
    return sha256;
  }

  /** The header's pixel count is above the limit. */
  public static final class TooLargeException extends StartImageException {
    TooLargeException(long pixels, long maxPixels) {
      super("the picture has " + pixels + " pixels; at most " + maxPixels + " are accepted");
    }
  }

  /** {@code [height, width, channels]} floats in [0, 1], row-major NHWC for one image. */
  public float[] pixels(int height, int width, int channels) {
    if (channels != 1 && channels != 3 && channels != 4) {
      throw new StartImageException(
          "a starting image can fill 1 (gray), 3 (RGB) or 4 (RGBA) channels; "
              + "the model takes "
              + channels
              + ": render without a starting image");
    }
    BufferedImage fitted = cover(picture, height, width);
    float[] out = new float[height * width * channels];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int argb = fitted.getRGB(x, y);
        float a = ((argb >>> 24) & 0xff) / 255f;
        float r = ((argb >>> 16) & 0xff) / 255f;
        float g = ((argb >>> 8) & 0xff) / 255f;
        float b = (argb & 0xff) / 255f;
        int at = (y * width + x) * channels;
        if (channels == 1) {
          out[at] = Math.min(1f, 0.299f * r + 0.587f * g + 0.114f * b);
        } else {
          out[at] = r;
          out[at + 1] = g;
          out[at + 2] = b;
          if (channels == 4) {
            out[at + 3] = picture.getColorModel().hasAlpha() ? a : 1f;
          }
        }
      }
    }
    return out;
  }

  /**
   * {@code image} repeated {@code batch} times: the NHWC batch that {@code parametersFor} takes.
   */
  public static float[] repeat(float[] image, int batch) {
    float[] out = new float[image.length * batch];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(image, 0, out, b * image.length, image.length);
    }
    return out;
  }

  /** Width × height from the file's header, without decoding its pixels. */
  private static long headerPixels(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      while (readers.hasNext()) {
        ImageReader reader = readers.next();
        if (!reader.getFormatName().matches("(?i)png|jpeg|jpg")) {
          continue;
        }
        try {
          reader.setInput(in);
          return (long) reader.getWidth(0) * reader.getHeight(0);
        } finally {
          reader.dispose();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new StartImageException("could not be read as a picture (" + e.getMessage() + ")", e);
    }
    throw new StartImageException("is not a PNG or JPEG file");
  }

  private static BufferedImage decode(byte[] bytes) {
    BufferedImage picture;
    try {
      picture = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new StartImageException(
          "the starting image could not be decoded: "
              + e.getMessage()
              + "; send a PNG or JPEG file",
          e);
    }
    if (picture == null) {
      throw new StartImageException(
          "the starting image is not a PNG or JPEG file; send one of those");
    }
    return picture;
  }

  /** SHA-256 of a file's bytes, lower-case hex: its name before it is decoded. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static BufferedImage cover(BufferedImage picture, int height, int width) {
    double factor =
        Math.max((double) height / picture.getHeight(), (double) width / picture.getWidth());
    int scaledW = Math.max(width, (int) Math.round(picture.getWidth() * factor));
    int scaledH = Math.max(height, (int) Math.round(picture.getHeight() * factor));
    BufferedImage current = toArgb(picture);
    while (current.getWidth() / 2 >= scaledW && current.getHeight() / 2 >= scaledH) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2, 0, 0);
    }
    BufferedImage scaled = draw(current, scaledW, scaledH, 0, 0);
    return scaled.getSubimage((scaledW - width) / 2, (scaledH - height) / 2, width, height);
  }

  private static BufferedImage toArgb(BufferedImage picture) {
    if (picture.getType() == BufferedImage.TYPE_INT_ARGB) {
      return picture;
    }
    if (picture.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      return grayToArgb(picture);
    }
    return draw(picture, picture.getWidth(), picture.getHeight(), 0, 0);
  }

  /**
   * Java treats a gray PNG or JPEG as linear light and brightens it on conversion to sRGB; the
   * file's levels are what the user sees, so they are copied as they are.
   */
  private static BufferedImage grayToArgb(BufferedImage picture) {
    Raster raster = picture.getRaster();
    int bands = raster.getNumBands();
    double grayMax = (1L << picture.getColorModel().getComponentSize(0)) - 1;
    double alphaMax = bands > 1 ? (1L << picture.getColorModel().getComponentSize(1)) - 1 : 1;
    BufferedImage out =
        new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < picture.getHeight(); y++) {
      for (int x = 0; x < picture.getWidth(); x++) {
        int v = (int) Math.round(raster.getSample(x, y, 0) * 255 / grayMax);
        int a = bands > 1 ? (int) Math.round(raster.getSample(x, y, 1) * 255 / alphaMax) : 255;
        out.setRGB(x, y, (a << 24) | (v << 16) | (v << 8) | v);
      }
    }
    return out;
  }

  private static BufferedImage draw(BufferedImage source, int w, int h, int x, int y) {
    BufferedImage target = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, x, y, w, h, null);
    } finally {
      g.dispose();
    }
    return target;
  }
}
