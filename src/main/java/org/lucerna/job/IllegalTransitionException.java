package org.lucerna.job;

/** A job was asked to move to a status that its current status does not lead to. */
public final class IllegalTransitionException extends RuntimeException {
  public IllegalTransitionException(String jobId, JobStatus from, JobStatus to) {
    super("job " + jobId + " cannot go from " + from + " to " + to);
  }
}
