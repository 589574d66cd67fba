package org.lucerna.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Ids of jobs waiting for a worker, bounded so that overload is refused at once rather than queued. */
@ApplicationScoped
public class JobQueue {
  private final BlockingQueue<String> ids;
  private final int capacity;

  public JobQueue(JobsConfig config) {
    this.capacity = config.queue().capacity();
    this.ids = new ArrayBlockingQueue<>(capacity);
  }

  /** Adds a job id, or throws at once when the queue is full. */
  public void offer(String id) {
    if (!ids.offer(id)) {
      throw new QueueFullException(capacity);
    }
  }

  /** The next id, or null after {@code millis} without one. */
  String poll(long millis) throws InterruptedException {
    return ids.poll(millis, TimeUnit.MILLISECONDS);
  }

  public int size() {
    return ids.size();
  }
}
