package org.lucerna.optvis;

/** An objective's JSON that does not fit the format, with the field at fault. */
public final class ObjectiveFormatException extends IllegalArgumentException {
  private final String field;

  public ObjectiveFormatException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** A path such as {@code objective.terms[1].channel}. */
  public String field() {
    return field;
  }
}
