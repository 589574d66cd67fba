package org.lucerna.job;

/** A job was saved from a version that is no longer the stored one. */
public final class StaleJobException extends RuntimeException {
  public StaleJobException(String id, long expected, long actual) {
    super("job " + id + " was saved at version " + expected + " but is at " + actual);
  }
}
