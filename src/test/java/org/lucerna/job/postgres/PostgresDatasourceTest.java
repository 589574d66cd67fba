package org.lucerna.job.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lucerna.job.Job;
import org.lucerna.job.JobIds;
import org.lucerna.job.JobStatus;

/**
 * The service's own datasource with a URL: Quarkus (Agroal, Flyway at start) against the embedded
 * PostgreSQL. The stores and the LISTEN connection work on the pool Quarkus makes. (Which store the
 * service uses is still {@code lucerna.data.store}; this profile keeps the in-memory one.)
 */
@QuarkusTest
@TestProfile(PostgresDatasourceTest.WithDatabase.class)
class PostgresDatasourceTest {

  public static class WithDatabase implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(EmbeddedDatabase.class));
    }
  }

  public static class EmbeddedDatabase implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      return Map.of(
          "quarkus.datasource.jdbc.url",
          PostgresTestDatabase.emptyDatabaseUrl(),
          "quarkus.datasource.username",
          "postgres");
    }

    @Override
    public void stop() {
      // the server stops with the JVM; its databases with it
    }
  }

  @Inject AgroalDataSource dataSource;

  @Inject StoreSettings settings;

  @Test
  void flywayMigratedAtStartAndTheStoresWorkOnTheServicePool() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
      List<String> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
      assertEquals(List.of("1", "2"), versions);
    }
    assertEquals(Duration.ofSeconds(30), settings.queue().lease());
    PgJobStore jobs = new PgJobStore(dataSource, settings.queue());
    PgJobQueue queue = new PgJobQueue(dataSource, settings.queue());
    try (PgNotifications notifications =
        new PgNotifications(dataSource, Duration.ofMillis(200)).start()) {
      // long: the machine may be busy with the service's own start (model warm-up)
      long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!notifications.connected() && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertTrue(notifications.connected());
      Instant at = Instant.now();
      Job job =
          Job.queued(
              JobIds.next(at),
              PostgresQueueTest.spec(64, 1),
              new Job.Submission("fp", null, null),
              at);
      long seen = notifications.queueSignals();
      jobs.insert(job);
      assertTrue(notifications.awaitQueued(seen, Duration.ofSeconds(60)));
      Lease lease = queue.claimOne(settings.instanceId() + "/w0").orElseThrow();
      assertEquals(job.id(), lease.jobId());
      assertEquals(
          JobStatus.SUCCEEDED,
          queue
              .finish(
                  lease,
                  lease.job().moveTo(JobStatus.SUCCEEDED, Instant.now(), null),
                  Map.of("final-0", new byte[] {1}))
              .orElseThrow()
              .status());
    }
  }
}
