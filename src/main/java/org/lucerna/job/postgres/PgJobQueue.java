package org.lucerna.job.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.lucerna.job.Job;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Progress;

/**
 * The shared queue on {@code lucerna_job}: workers of every instance claim jobs under leases, renew
 * them by heartbeat and write through fences; any instance rescues jobs whose lease expired.
 *
 * <ul>
 *   <li>{@link #claim}: the next QUEUED job (priority, then the least-served client, then oldest),
 *       with {@code FOR UPDATE SKIP LOCKED} inside a {@code MATERIALIZED} CTE, plus up to {@code
 *       max - 1} QUEUED jobs of the same batch key. Each claim counts an attempt and bumps {@code
 *       lease_epoch}.
 *   <li>{@link #heartbeat}: renews the leases of a worker's jobs and records their progress;
 *       reports cancels and lost leases.
 *   <li>{@link #snapshot}, {@link #finish}: the worker's writes, fenced by {@code lease_epoch}: a
 *       worker whose job was rescued and claimed again writes nothing (the method answers false /
 *       empty).
 *   <li>{@link #handBack}: a stopping instance gives its jobs back without using an attempt.
 *   <li>{@link #rescue}: jobs whose lease expired go back to the queue (the attempt counts), or end
 *       FAILED when their attempts are spent or they ran past their time limit, or CANCELLED when a
 *       cancel was asked for.
 * </ul>
 *
 * All times are the database's clock. Every statement is short; no transaction spans a render.
 */
public final class PgJobQueue {
  private static final String RUNNING_PER_CLIENT =
      "running AS (SELECT client_id, count(*) AS n FROM lucerna_job WHERE state = 'RUNNING' GROUP BY client_id)";
  private static final String TAKE =
      "UPDATE lucerna_job j SET state = 'RUNNING', attempt = j.attempt + 1,"
          + " lease_epoch = j.lease_epoch + 1, lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?),"
          + " attempted_at = now(), started_at = now(), version = j.version + 1";
  private static final String LEASE_COLUMNS =
      ", j.lease_epoch, j.attempt, j.lease_owner, j.batch_key";

  private static final String CLAIM =
      "WITH "
          + RUNNING_PER_CLIENT
          + ", candidate AS MATERIALIZED ("
          + " SELECT j.id FROM lucerna_job j LEFT JOIN running r ON r.client_id = j.client_id"
          + " WHERE j.state = 'QUEUED' AND j.run_after <= now() AND coalesce(r.n, 0) < ?"
          + " ORDER BY j.priority DESC, coalesce(r.n, 0), j.created_at, j.id"
          + " LIMIT 1 FOR UPDATE OF j SKIP LOCKED) "
          + TAKE
          + " FROM candidate c WHERE j.id = c.id RETURNING "
          + JobRows.COLUMNS
          + LEASE_COLUMNS;

  private static final String CLAIM_MATES =
      "WITH "
          + RUNNING_PER_CLIENT
          + ", mates AS MATERIALIZED ("
          + " SELECT j.id FROM lucerna_job j LEFT JOIN running r ON r.client_id = j.client_id"
          + " WHERE j.state = 'QUEUED' AND j.batch_key = ? AND j.run_after <= now() AND coalesce(r.n, 0) < ?"
          + " ORDER BY j.priority DESC, j.created_at, j.id"
          + " LIMIT ? FOR UPDATE OF j SKIP LOCKED) "
          + TAKE
          + " FROM mates m WHERE j.id = m.id RETURNING "
          + JobRows.COLUMNS
          + LEASE_COLUMNS;

  private static final String HEARTBEAT =
      "UPDATE lucerna_job j SET"
          + " lease_expires_at = now() + make_interval(secs => ?),"
          + " progress_step = coalesce(p.step, j.progress_step),"
          + " progress_objective = CASE WHEN p.step IS NULL THEN j.progress_objective ELSE p.objective END,"
          + " progress_rate = CASE WHEN p.step IS NULL THEN j.progress_rate ELSE p.rate END,"
          + " progress_curve = CASE WHEN p.step IS NULL THEN j.progress_curve ELSE p.curve::jsonb END,"
          + " version = j.version + CASE WHEN p.step IS NOT NULL AND p.step <> j.progress_step THEN 1 ELSE 0 END"
          + " FROM unnest(?::text[], ?::bigint[], ?::int[], ?::float8[], ?::float8[], ?::text[])"
          + " AS p(id, epoch, step, objective, rate, curve)"
          + " WHERE j.id = p.id AND j.lease_epoch = p.epoch AND j.state = 'RUNNING'"
          + " RETURNING j.id, j.cancel_requested_at IS NOT NULL";

  private static final String SNAPSHOT =
      "UPDATE lucerna_job SET progress_snapshots = CASE"
          + " WHEN ? = ANY (progress_snapshots) THEN progress_snapshots ELSE array_append(progress_snapshots, ?) END,"
          + " version = version + 1 WHERE id = ? AND lease_epoch = ? AND state = 'RUNNING'";

  private static final String FINISH =
      "UPDATE lucerna_job j SET state = ?, finished_at = coalesce(?, now()),"
          + " progress_step = ?, progress_total = ?, progress_objective = ?, progress_rate = ?, progress_snapshots = ?,"
          + " progress_curve = ?::jsonb,"
          + " error = ?, cancel_requested_at = NULL, lease_owner = NULL, lease_expires_at = NULL, version = j.version + 1"
          + " WHERE j.id = ? AND j.lease_epoch = ? AND j.state = 'RUNNING' RETURNING "
          + JobRows.COLUMNS;

  // Back to QUEUED as Job.moveTo(QUEUED) does it: no start time, progress from the beginning.
  private static final String REQUEUED_PROGRESS =
      "progress_step = CASE WHEN %1$s = 'QUEUED' THEN 0 ELSE j.progress_step END,"
          + " progress_objective = CASE WHEN %1$s = 'QUEUED' THEN NULL ELSE j.progress_objective END,"
          + " progress_rate = CASE WHEN %1$s = 'QUEUED' THEN NULL ELSE j.progress_rate END,"
          + " progress_snapshots = CASE WHEN %1$s = 'QUEUED' THEN '{}' ELSE j.progress_snapshots END,"
          + " progress_curve = CASE WHEN %1$s = 'QUEUED' THEN '[]' ELSE j.progress_curve END,"
          + " started_at = CASE WHEN %1$s = 'QUEUED' THEN NULL ELSE j.started_at END";

  private static final String HAND_BACK_STATE =
      "(CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'CANCELLED' ELSE 'QUEUED' END)";
  private static final String HAND_BACK =
      "UPDATE lucerna_job j SET state = "
          + HAND_BACK_STATE
          + ","
          + " finished_at = CASE WHEN j.cancel_requested_at IS NOT NULL THEN now() END,"
          + " cancel_requested_at = NULL, attempt = greatest(0, j.attempt - 1), run_after = now(),"
          + String.format(REQUEUED_PROGRESS, HAND_BACK_STATE)
          + ","
          + " lease_owner = NULL, lease_expires_at = NULL, version = j.version + 1"
          + " FROM unnest(?::text[], ?::bigint[]) AS h(id, epoch)"
          + " WHERE j.id = h.id AND j.lease_epoch = h.epoch AND j.state = 'RUNNING' RETURNING j.id";

  // Past its time limit by more than a lease: the worker had the time to fail the job itself.
  private static final String OVER_TIME = "j.attempted_at + j.time_limit + p.grace < now()";
  private static final String SPENT = "j.attempt >= j.max_attempts";
  private static final String RESCUE_STATE =
      "(CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'CANCELLED'"
          + " WHEN "
          + OVER_TIME
          + " OR "
          + SPENT
          + " THEN 'FAILED' ELSE 'QUEUED' END)";
  private static final String RESCUE =
      "WITH p AS (SELECT make_interval(secs => ?) AS grace,"
          + " make_interval(secs => ?) AS backoff), expired AS MATERIALIZED ("
          + " SELECT j.id, j.lease_owner AS owner FROM lucerna_job j, p WHERE j.state = 'RUNNING'"
          + " AND (j.lease_expires_at < now() OR "
          + OVER_TIME
          + ")"
          + " ORDER BY j.lease_expires_at LIMIT 100 FOR UPDATE OF j SKIP LOCKED)"
          + " UPDATE lucerna_job j SET state = "
          + RESCUE_STATE
          + ","
          + " finished_at = CASE WHEN "
          + RESCUE_STATE
          + " = 'QUEUED' THEN NULL ELSE now() END,"
          + " error = CASE WHEN j.cancel_requested_at IS NOT NULL THEN NULL"
          + "   WHEN "
          + OVER_TIME
          + " THEN 'the job ran longer than its time limit of '"
          + "     || extract(epoch FROM j.time_limit)::bigint || ' s'"
          + "   WHEN "
          + SPENT
          + " THEN 'the worker running this job stopped answering ' || j.attempt"
          + "     || CASE WHEN j.attempt = 1 THEN ' time' ELSE ' times' END || ' (last: ' || coalesce(e.owner, 'unknown') || ')'"
          + "   END,"
          + " cancel_requested_at = NULL,"
          + " run_after = now() + least(interval '1 minute', p.backoff * power(2, greatest(j.attempt - 1, 0))),"
          + String.format(REQUEUED_PROGRESS, RESCUE_STATE)
          + ","
          + " lease_owner = NULL, lease_expires_at = NULL, version = j.version + 1"
          + " FROM expired e, p WHERE j.id = e.id RETURNING j.id, j.state, j.attempt, e.owner";

  private static final String CANCEL =
      "UPDATE lucerna_job j SET"
          + " state = CASE WHEN j.state = 'QUEUED' THEN 'CANCELLED' ELSE j.state END,"
          + " finished_at = CASE WHEN j.state = 'QUEUED' THEN now() ELSE j.finished_at END,"
          + " cancel_requested_at = CASE WHEN j.state = 'RUNNING' THEN coalesce(j.cancel_requested_at, now()) END,"
          + " version = j.version + 1 WHERE j.id = ? AND j.state IN ('QUEUED', 'RUNNING') RETURNING "
          + JobRows.COLUMNS;

  private static final String PURGE =
      "WITH old AS MATERIALIZED (SELECT id FROM lucerna_job"
          + " WHERE finished_at < ? ORDER BY finished_at LIMIT 500 FOR UPDATE SKIP LOCKED)"
          + " DELETE FROM lucerna_job j USING old WHERE j.id = old.id";

  private final DataSource db;
  private final QueueSettings settings;

  public PgJobQueue(DataSource db, QueueSettings settings) {
    this.db = db;
    this.settings = settings;
  }

  public QueueSettings settings() {
    return settings;
  }

  /**
   * Claims the next queued job for {@code owner} and, when {@code max > 1} and it has a batch key,
   * up to {@code max - 1} more queued jobs with the same key (its batch mates). Empty when nothing
   * is ready. Claims are serialized by a transaction advisory lock, so that the per-client running
   * limit is exact.
   */
  public List<Lease> claim(String owner, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("claim at least one job, not " + max);
    }
    return Sql.transaction(
        db,
        c -> {
          try (Statement s = c.createStatement()) {
            // Its own statement: the claim below must take its snapshot after the lock is granted.
            s.execute("SELECT pg_advisory_xact_lock(hashtext('lucerna.claim'))");
          }
          List<Lease> leases = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(CLAIM)) {
            s.setInt(1, settings.perClientRunning());
            s.setString(2, owner);
            s.setDouble(3, settings.leaseSeconds());
            readLeases(s, leases);
          }
          if (max > 1 && leases.size() == 1 && leases.get(0).batchKey() != null) {
            try (PreparedStatement s = c.prepareStatement(CLAIM_MATES)) {
              s.setString(1, leases.get(0).batchKey());
              s.setInt(2, settings.perClientRunning());
              s.setInt(3, max - 1);
              s.setString(4, owner);
              s.setDouble(5, settings.leaseSeconds());
              readLeases(s, leases);
            }
          }
          return leases;
        });
  }

  /** The next queued job for {@code owner}, if any. */
  public Optional<Lease> claimOne(String owner) {
    List<Lease> one = claim(owner, 1);
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  private static void readLeases(PreparedStatement s, List<Lease> into) throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        into.add(
            new Lease(
                JobRows.read(rs),
                rs.getLong("lease_epoch"),
                rs.getInt("attempt"),
                rs.getString("lease_owner"),
                rs.getString("batch_key")));
      }
    }
  }

  /**
   * Renews the leases of {@code beats} (one statement for all of them) and records their progress.
   * A job missing from the answer's {@code renewed} has been lost: its worker stops and keeps
   * nothing.
   */
  public Heartbeat.Result heartbeat(List<Heartbeat.Beat> beats) {
    if (beats.isEmpty()) {
      return new Heartbeat.Result(Set.of(), Set.of(), Set.of());
    }
    int n = beats.size();
    String[] ids = new String[n];
    Long[] epochs = new Long[n];
    Integer[] steps = new Integer[n];
    Double[] objectives = new Double[n];
    Double[] rates = new Double[n];
    String[] curves = new String[n];
    for (int i = 0; i < n; i++) {
      Heartbeat.Beat b = beats.get(i);
      ids[i] = b.lease().jobId();
      epochs[i] = b.lease().epoch();
      Progress p = b.progress();
      steps[i] = p == null ? null : p.step();
      objectives[i] = p == null ? null : p.objective();
      rates[i] = p == null ? null : p.stepsPerSecond();
      curves[i] = p == null ? null : JobRows.curveJson(p.curve());
    }
    Set<String> renewed = new LinkedHashSet<>();
    Set<String> cancel = new LinkedHashSet<>();
    Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s = c.prepareStatement(HEARTBEAT)) {
            s.setDouble(1, settings.leaseSeconds());
            s.setArray(2, c.createArrayOf("text", ids));
            s.setArray(3, c.createArrayOf("int8", epochs));
            s.setArray(4, c.createArrayOf("int4", steps));
            s.setArray(5, c.createArrayOf("float8", objectives));
            s.setArray(6, c.createArrayOf("float8", rates));
            s.setArray(7, c.createArrayOf("text", curves));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                renewed.add(rs.getString(1));
                if (rs.getBoolean(2)) {
                  cancel.add(rs.getString(1));
                }
              }
            }
          }
          return null;
        });
    Set<String> lost = new LinkedHashSet<>();
    for (String id : ids) {
      if (!renewed.contains(id)) {
        lost.add(id);
      }
    }
    return new Heartbeat.Result(Set.copyOf(renewed), Set.copyOf(cancel), Set.copyOf(lost));
  }

  /**
   * Stores the images of snapshot {@code step} and adds the step to the job's progress, in one
   * transaction fenced by the lease. False: the job is not this lease's any more, nothing was
   * written.
   */
  public boolean snapshot(Lease lease, int step, Map<String, byte[]> images) {
    return Sql.transaction(
        db,
        c -> {
          try (PreparedStatement s = c.prepareStatement(SNAPSHOT)) {
            s.setInt(1, step);
            s.setInt(2, step);
            s.setString(3, lease.jobId());
            s.setLong(4, lease.epoch());
            if (s.executeUpdate() == 0) {
              return false;
            }
          }
          PgImageStore.write(c, lease.jobId(), images, lease.epoch());
          return true;
        });
  }

  /**
   * Ends a leased job: writes {@code result}'s final status, progress and error and the job's
   * images in one transaction, fenced by the lease (the images exist if and only if the final state
   * was written). Empty: the job is not this lease's any more (rescued, cancelled by a rescue,
   * claimed again, deleted), and nothing was written; the worker throws its result away.
   *
   * @param result the job as it ends, made with {@link Job#moveTo}; its status must be final
   */
  public Optional<Job> finish(Lease lease, Job result, Map<String, byte[]> images) {
    if (!result.status().isFinal()) {
      throw new IllegalArgumentException(
          "finish ends a job; " + result.status() + " is not a final status");
    }
    return Sql.transaction(
        db,
        c -> {
          Job done;
          try (PreparedStatement s = c.prepareStatement(FINISH)) {
            int i = 0;
            s.setString(++i, result.status().name());
            Sql.setTime(s, ++i, result.times().finished());
            Progress p = result.progress();
            s.setInt(++i, p.step());
            s.setInt(++i, p.totalSteps());
            s.setObject(++i, p.objective(), java.sql.Types.DOUBLE);
            s.setObject(++i, p.stepsPerSecond(), java.sql.Types.DOUBLE);
            s.setArray(++i, c.createArrayOf("int4", p.snapshots().toArray()));
            s.setString(++i, JobRows.curveJson(p.curve()));
            s.setString(++i, result.status() == JobStatus.FAILED ? result.error() : null);
            s.setString(++i, lease.jobId());
            s.setLong(++i, lease.epoch());
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.<Job>empty();
              }
              done = JobRows.read(rs);
            }
          }
          PgImageStore.write(c, lease.jobId(), images, lease.epoch());
          return Optional.of(done);
        });
  }

  /**
   * Gives jobs back to the queue without using an attempt (a graceful drain); a job whose cancel
   * was asked for ends CANCELLED instead. Returns the ids handed back; a lease that was lost
   * already is skipped.
   */
  public Set<String> handBack(List<Lease> leases) {
    if (leases.isEmpty()) {
      return Set.of();
    }
    String[] ids = leases.stream().map(Lease::jobId).toArray(String[]::new);
    Long[] epochs = leases.stream().map(Lease::epoch).toArray(Long[]::new);
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s = c.prepareStatement(HAND_BACK)) {
            s.setArray(1, c.createArrayOf("text", ids));
            s.setArray(2, c.createArrayOf("int8", epochs));
            Set<String> back = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                back.add(rs.getString(1));
              }
            }
            return Set.copyOf(back);
          }
        });
  }

  /**
   * Re-queues RUNNING jobs whose lease expired (the attempt counts; the next claim waits a
   * back-off), fails those whose attempts are spent or that ran past their time limit, and cancels
   * those whose cancel was asked for. Safe on every instance at once (rows another sweeper holds
   * are skipped). At most 100 per call.
   */
  public List<Rescued> rescue() {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s = c.prepareStatement(RESCUE)) {
            s.setDouble(1, settings.leaseSeconds());
            s.setDouble(2, settings.backoff().toMillis() / 1000.0);
            List<Rescued> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Rescued(
                        rs.getString(1),
                        JobStatus.valueOf(rs.getString(2)),
                        rs.getInt(3),
                        rs.getString(4)));
              }
            }
            return out;
          }
        });
  }

  /**
   * Cancels a job in one statement: a QUEUED one ends CANCELLED at once, a RUNNING one is asked to
   * stop (its worker learns it from its next heartbeat, or its rescue ends it CANCELLED). Empty
   * when the job does not exist or is final already.
   */
  public Optional<Job> cancel(String id) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s = c.prepareStatement(CANCEL)) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.<Job>empty();
            }
          }
        });
  }

  /**
   * Deletes jobs (with their history and images) that finished before {@code before}; returns how
   * many.
   */
  public int purgeFinishedBefore(Instant before) {
    int total = 0;
    while (true) {
      int n =
          Sql.autocommit(
              db,
              c -> {
                try (PreparedStatement s = c.prepareStatement(PURGE)) {
                  Sql.setTime(s, 1, before);
                  return s.executeUpdate();
                }
              });
      total += n;
      if (n < 500) {
        return total;
      }
    }
  }

  /** Jobs waiting and running, across all instances. */
  public record Depth(long queued, long running) {
    /** What a scaler counts: work in the system. */
    public long total() {
      return queued + running;
    }
  }

  /** How much work is in the system: for the queue gauge and for scaling on queue depth. */
  public Depth depth() {
    return Sql.autocommit(
        db,
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT count(*) FILTER (WHERE state = 'QUEUED'),"
                          + " count(*) FILTER (WHERE state = 'RUNNING') FROM lucerna_job WHERE state IN ('QUEUED', 'RUNNING')")) {
            rs.next();
            return new Depth(rs.getLong(1), rs.getLong(2));
          }
        });
  }

  /**
   * The leases {@code ownerPrefix} (an instance, {@code <instance>/}) holds now, e.g. after a
   * restart.
   */
  public List<Lease> heldBy(String ownerPrefix) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT "
                      + JobRows.COLUMNS
                      + LEASE_COLUMNS
                      + " FROM lucerna_job j WHERE j.state = 'RUNNING' AND j.lease_owner LIKE ? ORDER BY j.id")) {
            s.setString(
                1, ownerPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            List<Lease> leases = new ArrayList<>();
            readLeases(s, leases);
            return leases;
          }
        });
  }
}
