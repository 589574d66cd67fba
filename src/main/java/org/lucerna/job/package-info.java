/**
 * Jobs: what was asked ({@link org.lucerna.job.JobSpec}), their lifecycle and its one transition table,
 * the stores for jobs and images behind small interfaces, the queue and the worker pool that runs
 * renders. Only the worker pool knows that a job runs in this process.
 */
package org.lucerna.job;
