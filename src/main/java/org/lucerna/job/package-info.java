/**
 * Jobs: what was asked ({@link org.lucerna.job.JobSpec}), their lifecycle and its one transition
 * table, the stores for jobs and images behind small interfaces, the queue and the worker pool that
 * runs renders. A job's start image is kept with its images and named in its spec by hash ({@link
 * org.lucerna.job.StartImageRef}). Only the worker pool knows that a job runs in this process.
 */
package org.lucerna.job;
