package org.lucerna.job.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.lucerna.job.IdempotencyKeyTakenException;
import org.lucerna.job.Job;
import org.lucerna.job.JobNotFoundException;
import org.lucerna.job.JobQuery;
import org.lucerna.job.JobStatus;
import org.lucerna.job.JobStore;
import org.lucerna.job.StaleJobException;

/**
 * Jobs in the {@code lucerna_job} table, shared by every instance on the database. The plain store
 * operations of {@link JobStore}, with the same optimistic versions; the queue's leases are {@link
 * PgJobQueue}'s. A save never touches a lease except to drop it when the job leaves RUNNING, so
 * that a cancel or a recovery made through {@link #save} cannot leave a dangling lease.
 */
public final class PgJobStore implements JobStore {
  private final DataSource db;
  private final QueueSettings settings;

  public PgJobStore(DataSource db, QueueSettings settings) {
    this.db = db;
    this.settings = settings;
  }

  /**
   * @throws IllegalArgumentException if a job with this id exists
   * @throws IdempotencyKeyTakenException if another job holds the job's idempotency key
   */
  @Override
  public void insert(Job job) {
    String sql =
        "INSERT INTO lucerna_job (id, client_id, state, spec, model, fingerprint, idempotency_key,"
            + " reused_from, batch_key, max_attempts, time_limit, progress_step, progress_total, progress_objective,"
            + " progress_rate, progress_snapshots, progress_curve, error, cancel_requested_at, created_at,"
            + " started_at, finished_at)"
            + " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, make_interval(secs => ?), ?, ?, ?, ?, ?, ?::jsonb, ?,"
            + " CASE WHEN ? THEN now() END, ?, ?, ?)"
            + " ON CONFLICT (id) DO NOTHING";
    try {
      int rows =
          Sql.autocommit(
              db,
              c -> {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                  int i = 0;
                  s.setString(++i, job.id());
                  s.setString(++i, settings.clientId());
                  s.setString(++i, job.status().name());
                  s.setString(++i, JobRows.specJson(job));
                  s.setString(++i, job.spec().model());
                  s.setString(++i, job.submission().fingerprint());
                  s.setString(++i, job.submission().idempotencyKey());
                  s.setString(++i, job.submission().reusedFrom());
                  s.setString(++i, JobRows.batchKey(job.spec()));
                  s.setInt(++i, settings.maxAttempts());
                  s.setDouble(++i, settings.timeLimit().toMillis() / 1000.0);
                  s.setInt(++i, job.progress().step());
                  s.setInt(++i, job.progress().totalSteps());
                  s.setObject(++i, job.progress().objective(), java.sql.Types.DOUBLE);
                  s.setObject(++i, job.progress().stepsPerSecond(), java.sql.Types.DOUBLE);
                  s.setArray(++i, c.createArrayOf("int4", job.progress().snapshots().toArray()));
                  s.setString(++i, JobRows.curveJson(job.progress().curve()));
                  s.setString(++i, job.error());
                  s.setBoolean(++i, job.cancelRequested());
                  Sql.setTime(s, ++i, job.times().created());
                  Sql.setTime(s, ++i, job.times().started());
                  Sql.setTime(s, ++i, job.times().finished());
                  return s.executeUpdate();
                }
              });
      if (rows == 0) {
        throw new IllegalArgumentException("job " + job.id() + " exists");
      }
    } catch (StoreException e) {
      if ("23505".equals(e.sqlState()) && job.submission().idempotencyKey() != null) {
        String key = job.submission().idempotencyKey();
        throw new IdempotencyKeyTakenException(key, holderOf(key).orElse("(deleted since)"));
      }
      throw e;
    }
  }

  private Optional<String> holderOf(String key) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id FROM lucerna_job WHERE client_id = ? AND idempotency_key = ?")) {
            s.setString(1, settings.clientId());
            s.setString(2, key);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Optional<Job> find(String id) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT " + JobRows.COLUMNS + " FROM lucerna_job j WHERE j.id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Job save(Job job) {
    String sql =
        "UPDATE lucerna_job SET state = ?, progress_step = ?, progress_total = ?, progress_objective = ?,"
            + " progress_rate = ?, progress_snapshots = ?, progress_curve = ?::jsonb, error = ?,"
            + " cancel_requested_at = CASE WHEN ? THEN coalesce(cancel_requested_at, now()) END,"
            + " started_at = ?, finished_at = ?, attempt = ?,"
            + " lease_owner = CASE WHEN ? = 'RUNNING' THEN lease_owner END,"
            + " lease_expires_at = CASE WHEN ? = 'RUNNING' THEN lease_expires_at END,"
            + " version = version + 1"
            + " WHERE id = ? AND version = ? RETURNING version";
    Optional<Long> saved =
        Sql.autocommit(
            db,
            c -> {
              try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 0;
                s.setString(++i, job.status().name());
                s.setInt(++i, job.progress().step());
                s.setInt(++i, job.progress().totalSteps());
                s.setObject(++i, job.progress().objective(), java.sql.Types.DOUBLE);
                s.setObject(++i, job.progress().stepsPerSecond(), java.sql.Types.DOUBLE);
                s.setArray(++i, c.createArrayOf("int4", job.progress().snapshots().toArray()));
                s.setString(++i, JobRows.curveJson(job.progress().curve()));
                s.setString(++i, job.error());
                s.setBoolean(++i, job.cancelRequested());
                Sql.setTime(s, ++i, job.times().started());
                Sql.setTime(s, ++i, job.times().finished());
                s.setInt(++i, job.attempts());
                s.setString(++i, job.status().name());
                s.setString(++i, job.status().name());
                s.setString(++i, job.id());
                s.setLong(++i, job.version());
                try (ResultSet rs = s.executeQuery()) {
                  return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
              }
            });
    if (saved.isPresent()) {
      return JobRows.asStored(job, saved.get());
    }
    long actual = find(job.id()).orElseThrow(() -> new JobNotFoundException(job.id())).version();
    throw new StaleJobException(job.id(), job.version(), actual);
  }

  @Override
  public List<Job> list(JobQuery query) {
    StringBuilder sql =
        new StringBuilder("SELECT " + JobRows.COLUMNS + " FROM lucerna_job j WHERE true");
    List<Object> args = new ArrayList<>();
    if (query.statuses() != null && !query.statuses().isEmpty()) {
      sql.append(" AND j.state = ANY (?)");
      args.add(query.statuses().stream().map(JobStatus::name).toArray(String[]::new));
    }
    if (query.model() != null) {
      sql.append(" AND j.model = ?");
      args.add(query.model());
    }
    if (query.layer() != null) {
      // The spec as JobJson stores it: objective.terms[].layer.
      sql.append(
          " AND j.spec->'objective'->'terms' @> jsonb_build_array(jsonb_build_object('layer',"
              + " ?::text))");
      args.add(query.layer());
    }
    if (query.fingerprint() != null) {
      sql.append(" AND j.fingerprint = ?");
      args.add(query.fingerprint());
    }
    if (query.idempotencyKey() != null) {
      sql.append(" AND j.idempotency_key = ?");
      args.add(query.idempotencyKey());
    }
    if (query.after() != null) {
      sql.append(query.newestFirst() ? " AND j.id < ?" : " AND j.id > ?");
      args.add(query.after());
    }
    sql.append(query.newestFirst() ? " ORDER BY j.id DESC LIMIT ?" : " ORDER BY j.id LIMIT ?");
    args.add((long) Math.max(0, query.limit()));
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              Object a = args.get(i);
              if (a instanceof String[] texts) {
                s.setArray(i + 1, c.createArrayOf("text", texts));
              } else {
                s.setObject(i + 1, a);
              }
            }
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                jobs.add(JobRows.read(rs));
              }
            }
            return jobs;
          }
        });
  }

  @Override
  public long countQueuedBefore(String id) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT count(*) FROM lucerna_job WHERE state = 'QUEUED' AND id < ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /** Removes a job, its history and its images (one statement; the images go by trigger). */
  @Override
  public boolean delete(String id) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s = c.prepareStatement("DELETE FROM lucerna_job WHERE id = ?")) {
            s.setString(1, id);
            return s.executeUpdate() > 0;
          }
        });
  }
}
