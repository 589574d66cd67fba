/**
 * Jobs and images in PostgreSQL, shared by several instances of the service ({@code
 * lucerna.data.store=postgres}). {@link org.lucerna.job.postgres.PgJobStore} and {@link
 * org.lucerna.job.postgres.PgImageStore} implement the stores every instance reads and writes;
 * {@link org.lucerna.job.postgres.PgJobQueue} hands queued jobs to workers under leases (claim with
 * {@code FOR UPDATE SKIP LOCKED}, heartbeat, fenced writes, rescue, hand-back); {@link
 * org.lucerna.job.postgres.PgNotifications} wakes workers and event streams up on {@code
 * LISTEN/NOTIFY}. Plain JDBC on a {@link javax.sql.DataSource}; the schema is {@code
 * db/migration/V1__job_queue.sql}.
 */
package org.lucerna.job.postgres;
