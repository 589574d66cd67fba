package org.lucerna.job.postgres;

import org.lucerna.job.JobStatus;

/**
 * A job whose lease had expired, and where the rescue put it (QUEUED again, or FAILED, or
 * CANCELLED).
 */
public record Rescued(String jobId, JobStatus status, int attempt, String lastOwner) {}
