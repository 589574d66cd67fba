package org.lucerna.api;

import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.lucerna.job.InvalidJobException;
import org.lucerna.job.Limits;
import org.lucerna.optvis.param.StartImage;
import org.lucerna.optvis.param.StartImageException;

/**
 * The request's {@code startImage}: base64 of a PNG or JPEG file, bare or as a {@code data:} URL,
 * read into a {@link StartImage} at submit, so that a picture that cannot be used is refused with
 * 422 before a job exists.
 */
final class StartImageUpload {
  static final String FIELD = "startImage";
  private static final String ACCEPTED =
      "send base64 of a PNG or JPEG file, bare or as a data URL"
          + " (data:image/png;base64,… or data:image/jpeg;base64,…)";
  private static final Pattern DATA_URL_HEADER =
      Pattern.compile("(?i)data:image/(png|jpeg|jpg);base64");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private StartImageUpload() {}

  /**
   * The picture the text holds.
   *
   * @param maxPixels the most pixels the file may hold ({@code
   *     lucerna.limits.max-start-image-pixels})
   * @throws InvalidJobException naming {@code startImage} and what is accepted
   */
  static StartImage read(String text, long maxPixels) {
    return decode(bytes(text), maxPixels);
  }

  /**
   * Decodes the file, holding one of {@code slots} while it does: decodes run at most as many at
   * once as the slots allow ({@code lucerna.limits.max-concurrent-decodes}).
   *
   * @throws ProblemException 503 when no slot frees within {@link Limits#DECODE_WAIT_SECONDS}
   */
  static StartImage decode(byte[] bytes, long maxPixels, Semaphore slots) {
    boolean acquired;
    try {
      acquired = slots.tryAcquire(Limits.DECODE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw new ProblemException(
          Problem.of(
              503,
              "busy",
              "Too many start images are being decoded",
              "every start-image decode slot (lucerna.limits.max-concurrent-decodes) stayed busy"
                  + " for "
                  + Limits.DECODE_WAIT_SECONDS
                  + " s; retry later"),
          "5");
    }
    try {
      return decode(bytes, maxPixels);
    } finally {
      slots.release();
    }
  }

  private static StartImage decode(byte[] bytes, long maxPixels) {
    try {
      return StartImage.read(bytes, maxPixels);
    } catch (StartImage.TooLargeException e) {
      throw new InvalidJobException(
          FIELD,
          e.getMessage() + " (lucerna.limits.max-start-image-pixels): send a smaller picture");
    } catch (StartImageException e) {
      throw new InvalidJobException(FIELD, e.getMessage() + "; " + ACCEPTED);
    }
  }

  /** The file's bytes, from base64 (cheap: no decoding of the picture). */
  static byte[] bytes(String text) {
    String payload = text;
    if (text.startsWith("data:")) {
      int comma = text.indexOf(',');
      if (comma < 0 || !DATA_URL_HEADER.matcher(text.substring(0, comma)).matches()) {
        throw new InvalidJobException(
            FIELD,
            "is a data URL of another kind than image/png or image/jpeg in base64; " + ACCEPTED);
      }
      payload = text.substring(comma + 1);
    }
    // Line breaks as base64 tools write them are allowed; anything else outside the alphabet is
    // not.
    payload = WHITESPACE.matcher(payload).replaceAll("");
    if (payload.isEmpty()) {
      throw new InvalidJobException(FIELD, "is empty; " + ACCEPTED);
    }
    try {
      return Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException(
          FIELD, "is not valid base64 (" + e.getMessage() + "); " + ACCEPTED);
    }
  }
}
