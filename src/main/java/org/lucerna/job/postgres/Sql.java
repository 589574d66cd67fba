package org.lucerna.job.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;

/** JDBC plumbing: short transactions, timestamps at PostgreSQL's precision. */
final class Sql {
  private Sql() {}

  /** Work inside one connection and transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in autocommit mode: one statement, one transaction. */
  static <T> T autocommit(DataSource db, Work<T> work) {
    try (Connection c = db.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /**
   * Runs {@code work} in one READ COMMITTED transaction, committed when it returns and rolled back
   * when it throws. Work that wants to roll back without failing calls {@link
   * Connection#rollback()} itself.
   */
  static <T> T transaction(DataSource db, Work<T> work) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  static void setTime(PreparedStatement s, int index, Instant t) throws SQLException {
    s.setObject(
        index,
        t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC),
        java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
  }

  static Instant time(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /**
   * An instant as PostgreSQL keeps it (microseconds, rounded to the nearest as the driver sends
   * it), so that what is saved equals what is read.
   */
  static Instant micros(Instant t) {
    return t == null ? null : t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
  }

  static Double nullableDouble(java.sql.ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }
}
