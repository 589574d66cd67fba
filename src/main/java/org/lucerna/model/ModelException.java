package org.lucerna.model;

/** A model that cannot be found, read or used, with a message that says what to do about it. */
public class ModelException extends RuntimeException {

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }

  /** No such model or version in the repository. */
  public static final class NotFound extends ModelException {
    public NotFound(String message) {
      super(message);
    }
  }

  /**
   * The files are there but cannot be loaded as they are, or need options the request did not give.
   */
  public static final class Unusable extends ModelException {
    public Unusable(String message) {
      super(message);
    }

    public Unusable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The model holds ops that are not on the list of ops a model may run ({@link ModelOps}). */
  public static final class Forbidden extends ModelException {
    public Forbidden(String message) {
      super(message);
    }
  }

  /** A model name or version that no request may use (it would leave the repository). */
  public static final class InvalidName extends ModelException {
    public InvalidName(String message) {
      super(message);
    }
  }
}
