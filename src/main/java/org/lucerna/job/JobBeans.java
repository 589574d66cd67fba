package org.lucerna.job;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.ActiveResult;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.lucerna.job.postgres.PgImageStore;
import org.lucerna.job.postgres.PgJobQueue;
import org.lucerna.job.postgres.PgJobStore;
import org.lucerna.job.postgres.PgNotifications;
import org.lucerna.job.postgres.PgWorkSource;
import org.lucerna.job.postgres.StoreSettings;

/**
 * The implementations the service runs with, chosen by {@code lucerna.data.store}: {@code file}
 * (the default) and {@code memory} for one instance, {@code postgres} for several instances sharing
 * one database.
 */
public class JobBeans {

  @Produces
  @Singleton
  JobStore jobStore(JobsConfig config, Database database) {
    return switch (mode(config)) {
      case FILE -> new FileJobStore(config.data().dir().resolve("jobs"));
      case MEMORY -> new InMemoryJobStore();
      case POSTGRES -> new PgJobStore(database.get(), database.settings.queue());
    };
  }

  @Produces
  @Singleton
  ImageStore imageStore(JobsConfig config, Database database) {
    return switch (mode(config)) {
      case FILE -> new FileImageStore(config.data().dir().resolve("images"));
      case MEMORY -> new InMemoryImageStore();
      case POSTGRES -> new PgImageStore(database.get());
    };
  }

  @Produces
  @Singleton
  SweepStore sweepStore(JobsConfig config) {
    // With postgres, sweeps stay in each instance's memory (their batch jobs are shared).
    return mode(config) == Mode.FILE
        ? new SweepStore(config.data().dir().resolve("sweeps"))
        : new SweepStore();
  }

  @Produces
  @Singleton
  WorkSource workSource(
      JobsConfig config,
      Database database,
      JobQueue queue,
      JobStore jobs,
      ImageStore images,
      Clock clock) {
    if (mode(config) != Mode.POSTGRES) {
      return new LocalWorkSource(queue, jobs, images, clock, config.jobs().maxAttempts());
    }
    StoreSettings settings = database.settings;
    return new PgWorkSource(
        new PgJobQueue(database.get(), settings.queue()),
        new PgNotifications(database.get(), Duration.ofSeconds(1)),
        settings.instanceId(),
        settings.config(),
        settings.retention(),
        queue.capacity());
  }

  private enum Mode {
    FILE,
    MEMORY,
    POSTGRES
  }

  private static Mode mode(JobsConfig config) {
    return switch (config.data().store()) {
      case "file" -> Mode.FILE;
      case "memory" -> Mode.MEMORY;
      case "postgres" -> Mode.POSTGRES;
      default ->
          throw new IllegalArgumentException(
              "lucerna.data.store must be 'file', 'memory' or 'postgres', got '"
                  + config.data().store()
                  + "'");
    };
  }

  /**
   * The datasource for {@code lucerna.data.store=postgres}. Quarkus leaves it inactive when no URL
   * is set (the embedded default); asking for it then fails here, at start, with what to set,
   * rather than at the first request with a proxy's "no active bean".
   */
  @Singleton
  static class Database {
    private final InjectableInstance<AgroalDataSource> dataSource;
    final StoreSettings settings;

    Database(InjectableInstance<AgroalDataSource> dataSource, StoreSettings settings) {
      this.dataSource = dataSource;
      this.settings = settings;
    }

    AgroalDataSource get() {
      ActiveResult active = dataSource.getHandle().getBean().checkActive();
      if (!active.value()) {
        throw new IllegalStateException(
            "lucerna.data.store=postgres needs a PostgreSQL database: set QUARKUS_DATASOURCE_JDBC_URL"
                + " (quarkus.datasource.jdbc.url, e.g. jdbc:postgresql://db:5432/lucerna),"
                + " QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD. ("
                + active.inactiveReason()
                + ")");
      }
      return dataSource.get();
    }
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
