package org.lucerna.job;

/** An operation that needs a finished job met a queued or running one. */
public final class JobNotFinishedException extends RuntimeException {
  private final Job job;

  public JobNotFinishedException(Job job) {
    super("job " + job.id() + " is " + job.status() + "; it has not finished");
    this.job = job;
  }

  public Job job() {
    return job;
  }
}
