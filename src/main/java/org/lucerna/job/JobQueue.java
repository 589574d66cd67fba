package org.lucerna.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Ids of jobs waiting for a worker in this instance. New jobs are bounded, so that overload is
 * refused at once rather than queued; jobs that were accepted before (recovered at start-up, or put
 * back by a stopping worker) always get back in, since nothing accepted may be lost.
 */
@ApplicationScoped
public class JobQueue {
  private final BlockingQueue<String> ids = new LinkedBlockingQueue<>();
  private final int capacity;

  @Inject
  public JobQueue(Limits limits) {
    this(limits.queueCapacity());
  }

  public JobQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Adds a new job's id, or throws at once when the queue is full. */
  public synchronized void offer(String id) {
    if (ids.size() >= capacity) {
      throw new QueueFullException(capacity);
    }
    ids.add(id);
  }

  /** Adds the id of a job accepted earlier, whatever the bound. */
  void requeue(String id) {
    ids.add(id);
  }

  /** The next id, or null after {@code millis} without one. */
  String poll(long millis) throws InterruptedException {
    return ids.poll(millis, TimeUnit.MILLISECONDS);
  }

  public int size() {
    return ids.size();
  }

  public int capacity() {
    return capacity;
  }
}
