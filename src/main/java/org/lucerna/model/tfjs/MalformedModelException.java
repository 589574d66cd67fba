package org.lucerna.model.tfjs;

import org.lucerna.model.ModelException;

/** A model.json or weight shard that does not say what a TF.js layers model must say. */
public final class MalformedModelException extends ModelException {
  public MalformedModelException(String message) {
    super(message);
  }

  public MalformedModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
