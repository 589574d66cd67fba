package org.lucerna.job.postgres;

import java.sql.SQLException;

/** The database failed a statement (unreachable, timed out, or a bug in a statement). */
public final class StoreException extends RuntimeException {
  public StoreException(SQLException cause) {
    super("PostgreSQL: " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
  }

  /** The SQLState of the failed statement, e.g. {@code 23505} for a unique violation. */
  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }
}
