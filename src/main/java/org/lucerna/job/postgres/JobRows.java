package org.lucerna.job.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.lucerna.job.CurvePoint;
import org.lucerna.job.Job;
import org.lucerna.job.JobJson;
import org.lucerna.job.JobSpec;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Progress;
import org.lucerna.optvis.LearningRateSchedule;

/**
 * A {@link Job} as a row of {@code lucerna_job}: the spec as JSON (fixed at insert), everything
 * that changes in columns of its own, so that the queue's statements can change a job without
 * reading it.
 */
final class JobRows {
  private static final ObjectMapper TREES = new ObjectMapper();

  /**
   * The columns a {@link Job} is read from, for {@code SELECT} and {@code RETURNING}; prefix {@code
   * j.}.
   */
  static final String COLUMNS =
      "j.id, j.spec, j.state, j.progress_step, j.progress_total, j.progress_objective,"
          + " j.progress_rate, j.progress_snapshots, j.progress_curve, j.created_at, j.started_at, j.finished_at, j.error,"
          + " j.cancel_requested_at IS NOT NULL AS cancel_requested, j.fingerprint, j.idempotency_key, j.reused_from,"
          + " j.attempt, j.version";

  private JobRows() {}

  static Job read(ResultSet rs) throws SQLException {
    JobStatus status = JobStatus.valueOf(rs.getString("state"));
    Progress progress =
        new Progress(
            rs.getInt("progress_step"),
            rs.getInt("progress_total"),
            Sql.nullableDouble(rs, "progress_objective"),
            Sql.nullableDouble(rs, "progress_rate"),
            ints(rs.getArray("progress_snapshots")),
            curve(rs.getString("progress_curve")));
    Job.Timestamps times =
        new Job.Timestamps(
            Sql.time(rs.getTimestamp("created_at")),
            Sql.time(rs.getTimestamp("started_at")),
            Sql.time(rs.getTimestamp("finished_at")));
    Job.Submission submission =
        new Job.Submission(
            rs.getString("fingerprint"),
            rs.getString("idempotency_key"),
            rs.getString("reused_from"));
    return new Job(
        rs.getString("id"),
        spec(rs.getString("spec")),
        status,
        progress,
        times,
        rs.getString("error"),
        rs.getBoolean("cancel_requested"),
        submission,
        rs.getInt("attempt"),
        rs.getLong("version"));
  }

  /** {@code job} as it reads back: instants at microseconds, at {@code version}. */
  static Job asStored(Job job, long version) {
    Job.Timestamps t = job.times();
    return new Job(
        job.id(),
        job.spec(),
        job.status(),
        job.progress(),
        new Job.Timestamps(
            Sql.micros(t.created()), Sql.micros(t.started()), Sql.micros(t.finished())),
        job.error(),
        job.cancelRequested(),
        job.submission(),
        job.attempts(),
        version);
  }

  /** The spec of {@code job} as JSON, in JobJson's form. */
  static String specJson(Job job) {
    try {
      return TREES.readTree(JobJson.write(job)).get("spec").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JobSpec spec(String json) {
    return JobJson.read(("{\"spec\":" + json + "}").getBytes(StandardCharsets.UTF_8)).spec();
  }

  /**
   * The plan key of a job: equal for jobs that can share one batch on a device (same model version
   * and plan structure, steps, learning rate and snapshots; the objective's weights, the seed and
   * the start picture may differ). Null for jobs that never batch (those with a start picture, for
   * now).
   */
  static String batchKey(JobSpec spec) {
    if (spec.startImage() != null) {
      return null;
    }
    String key =
        spec.model()
            + "|"
            + spec.version()
            + "|"
            + spec.planSpec()
            + "|"
            + spec.steps()
            + "|"
            + spec.learningRate()
            + "|"
            + spec.snapshots()
            + "|"
            + spec.input()
            // Left out while constant, so that rows queued before schedules keep their keys.
            + (spec.schedule().equals(LearningRateSchedule.CONSTANT) ? "" : "|" + spec.schedule());
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A curve as {@code progress_curve} holds it: the JSON of the job document's curve. */
  static String curveJson(List<CurvePoint> curve) {
    return new String(JobJson.writeValue(curve), StandardCharsets.UTF_8);
  }

  private static List<CurvePoint> curve(String json) {
    return json == null
        ? List.of()
        : List.of(JobJson.read(json.getBytes(StandardCharsets.UTF_8), CurvePoint[].class));
  }

  private static List<Integer> ints(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    List<Integer> out = new ArrayList<>(values.length);
    for (Object v : values) {
      out.add(((Number) v).intValue());
    }
    return out;
  }
}
