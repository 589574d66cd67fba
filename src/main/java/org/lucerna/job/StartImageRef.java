package org.lucerna.job;

import java.util.regex.Pattern;
import org.lucerna.optvis.param.StartImage;

/**
 * The picture a job starts from, by reference: its bytes are kept in the {@link ImageStore} under
 * the job's id as {@link ImageNames#START}, so that job documents and listings stay small; the hash
 * makes two requests that differ only in their picture different requests.
 *
 * @param sha256 SHA-256 of the uploaded PNG or JPEG bytes, lower-case hex
 */
public record StartImageRef(String sha256) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public StartImageRef {
    if (sha256 == null || !HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "a start image is named by 64 lower-case hex digits, got " + sha256);
    }
  }

  /** The reference of {@code image}. */
  public static StartImageRef of(StartImage image) {
    return new StartImageRef(image.sha256());
  }

  /** The reference of a file not decoded yet. */
  public static StartImageRef ofBytes(byte[] bytes) {
    return new StartImageRef(StartImage.sha256(bytes));
  }

  /** Whether {@code image} is the picture this refers to. */
  public boolean matches(StartImage image) {
    return sha256.equals(image.sha256());
  }
}
