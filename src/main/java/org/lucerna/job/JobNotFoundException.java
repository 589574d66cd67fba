package org.lucerna.job;

/** No job has that id (or it was deleted). */
public final class JobNotFoundException extends RuntimeException {
  private final String id;

  public JobNotFoundException(String id) {
    super("no job '" + id + "'");
    this.id = id;
  }

  public String id() {
    return id;
  }
}
