package org.lucerna.optvis;

/**
 * JSON for an objective, parametrization or transforms that does not fit the format, with the field
 * at fault.
 */
public final class SpecFormatException extends IllegalArgumentException {
  private final String field;

  public SpecFormatException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** A path such as {@code objective.terms[1].channel}. */
  public String field() {
    return field;
  }
}
