package org.lucerna.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.lucerna.job.InvalidJobException;
import org.lucerna.optvis.param.StartingImage;
import org.lucerna.optvis.param.StartingImageException;

/**
 * The request's {@code startImage}: base64 of a PNG or JPEG file, bare or as a {@code data:} URL. It is
 * decoded in full at submit, so that a picture that cannot be used is refused with 422 before a job
 * exists; its pixel count is read from the file's header first, so that a small file that would decode
 * into gigabytes is refused without decoding it.
 */
final class StartImageUpload {
  static final String FIELD = "startImage";
  private static final String ACCEPTED = "send base64 of a PNG or JPEG file, bare or as a data URL"
      + " (data:image/png;base64,… or data:image/jpeg;base64,…)";
  private static final Pattern DATA_URL_HEADER = Pattern.compile("(?i)data:image/(png|jpeg|jpg);base64");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private StartImageUpload() {}

  /**
   * The file's bytes, checked to decode to a {@code height}×{@code width} picture.
   *
   * @param maxPixels the most pixels the file may hold ({@code lucerna.limits.max-start-image-pixels})
   * @throws InvalidJobException naming {@code startImage} and what is accepted
   */
  static byte[] read(String text, int height, int width, long maxPixels) {
    byte[] bytes = base64(text);
    long pixels = headerPixels(bytes);
    if (pixels > maxPixels) {
      throw new InvalidJobException(FIELD, "the picture has " + pixels + " pixels; at most " + maxPixels
          + " are accepted (lucerna.limits.max-start-image-pixels): send a smaller picture");
    }
    try {
      StartingImage.decode(bytes, height, width, 3);
    } catch (StartingImageException e) {
      throw new InvalidJobException(FIELD, e.getMessage() + "; " + ACCEPTED);
    }
    return bytes;
  }

  private static byte[] base64(String text) {
    String payload = text;
    if (text.startsWith("data:")) {
      int comma = text.indexOf(',');
      if (comma < 0 || !DATA_URL_HEADER.matcher(text.substring(0, comma)).matches()) {
        throw new InvalidJobException(FIELD, "is a data URL of another kind than image/png or image/jpeg in base64; "
            + ACCEPTED);
      }
      payload = text.substring(comma + 1);
    }
    // Line breaks as base64 tools write them are allowed; anything else outside the alphabet is not.
    payload = WHITESPACE.matcher(payload).replaceAll("");
    if (payload.isEmpty()) {
      throw new InvalidJobException(FIELD, "is empty; " + ACCEPTED);
    }
    try {
      return Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException(FIELD, "is not valid base64 (" + e.getMessage() + "); " + ACCEPTED);
    }
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
      throw new InvalidJobException(FIELD, "could not be read as a picture (" + e.getMessage() + "); " + ACCEPTED);
    }
    throw new InvalidJobException(FIELD, "is not a PNG or JPEG file; " + ACCEPTED);
  }
}
