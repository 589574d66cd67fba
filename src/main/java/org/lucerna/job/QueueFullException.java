package org.lucerna.job;

/** The queue holds as many jobs as it may; the caller should retry later. */
public final class QueueFullException extends RuntimeException {
  private final int capacity;

  public QueueFullException(int capacity) {
    this(capacity, "the queue is full (" + capacity + " jobs waiting); retry later");
  }

  public QueueFullException(int capacity, String message) {
    super(message);
    this.capacity = capacity;
  }

  public int capacity() {
    return capacity;
  }
}
