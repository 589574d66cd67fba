package org.lucerna.optvis.param;

/** A starting image that cannot be used: not a PNG or JPEG, or a channel count it cannot provide. */
public final class StartingImageException extends IllegalArgumentException {
  public StartingImageException(String message) {
    super(message);
  }

  public StartingImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
