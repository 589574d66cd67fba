package org.lucerna.job.postgres;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.lucerna.job.ImageStore;

/**
 * Images as {@code bytea} rows of {@code lucerna_image}, one per job and name, served by any
 * instance. The final images of a job are written by {@link PgJobQueue#finish} in the transaction
 * of its final state; {@link #put} is for the rest (the uploaded start picture, copies for a reused
 * result).
 */
public final class PgImageStore implements ImageStore {
  static final String UPSERT =
      "INSERT INTO lucerna_image (job_id, name, lease_epoch, sha256, png) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (job_id, name) DO UPDATE SET lease_epoch = EXCLUDED.lease_epoch, sha256 = EXCLUDED.sha256,"
          + " png = EXCLUDED.png, created_at = now()";

  private final DataSource db;

  public PgImageStore(DataSource db) {
    this.db = db;
  }

  @Override
  public void put(String jobId, String name, byte[] png) {
    Sql.autocommit(
        db,
        c -> {
          write(c, jobId, Map.of(name, png), null);
          return null;
        });
  }

  @Override
  public Optional<byte[]> get(String jobId, String name) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT png FROM lucerna_image WHERE job_id = ? AND name = ?")) {
            s.setString(1, jobId);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
          }
        });
  }

  /** The image's SHA-256, for an ETag without reading the image. */
  public Optional<byte[]> sha256(String jobId, String name) {
    return Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT sha256 FROM lucerna_image WHERE job_id = ? AND name = ?")) {
            s.setString(1, jobId);
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void deleteAll(String jobId) {
    Sql.autocommit(
        db,
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM lucerna_image WHERE job_id = ?")) {
            s.setString(1, jobId);
            return s.executeUpdate();
          }
        });
  }

  /** Upserts {@code images} of job {@code jobId} on {@code c}, inside the caller's transaction. */
  static void write(Connection c, String jobId, Map<String, byte[]> images, Long epoch)
      throws SQLException {
    if (images.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(UPSERT)) {
      for (Map.Entry<String, byte[]> image : images.entrySet()) {
        s.setString(1, jobId);
        s.setString(2, image.getKey());
        s.setObject(3, epoch, java.sql.Types.BIGINT);
        s.setBytes(4, sha256(image.getValue()));
        s.setBytes(5, image.getValue());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
