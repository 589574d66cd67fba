package org.lucerna.optvis.param;

/**
 * A starting image that cannot be used: not a PNG or JPEG, too large, or a channel count it cannot
 * provide.
 */
public class StartImageException extends IllegalArgumentException {
  public StartImageException(String message) {
    super(message);
  }

  public StartImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
