package org.lucerna.job;

/** A request that cannot become a job, with the request field at fault. */
public final class InvalidJobException extends RuntimeException {
  private final String field;

  public InvalidJobException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
