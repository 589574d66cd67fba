package org.lucerna.job.postgres;

import org.lucerna.job.Job;

/**
 * A claim on a job: the job as claimed (RUNNING, its version after the claim) and the fencing token
 * that every write of its worker names. A worker writes nothing about the job without it.
 *
 * @param epoch the job's {@code lease_epoch} at this claim; a later claim (after a rescue) has a
 *     larger one
 * @param attempt the claims of this job that counted, this one included
 * @param owner who holds it, {@code <instance>/<worker>}
 * @param batchKey the job's plan key (jobs that could share a batch), null if it never batches
 */
public record Lease(Job job, long epoch, int attempt, String owner, String batchKey) {

  public String jobId() {
    return job.id();
  }
}
