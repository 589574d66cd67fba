package org.lucerna.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lucerna.it.PackagedService;
import org.lucerna.job.postgres.PostgresTestDatabase;

/**
 * {@link LoadBenchmark} against one or several packaged service processes on one PostgreSQL: starts
 * an embedded PostgreSQL 16 (a new database each run, so no result of an earlier run is reused),
 * {@code --instances} processes of {@code target/quarkus-app} with {@code
 * LUCERNA_DATA_STORE=postgres} and default settings otherwise, waits until each is ready, then runs
 * the load benchmark with {@code --url} naming them all (submissions and polls go round them), and
 * stops them. {@code --store file} runs one process in the default mode instead, for the figure
 * without a database. The other arguments go to {@link LoadBenchmark}; the machine's load average
 * is printed before and after, as the figures depend on it.
 */
public final class ScaleOutBenchmark {
  private ScaleOutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int instances = 2;
    String store = "postgres";
    List<String> load = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--instances") && i + 1 < args.length) {
        instances = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--store") && i + 1 < args.length) {
        store = args[++i];
      } else {
        load.add(args[i]);
      }
    }
    if (store.equals("file") && instances != 1) {
      throw new IllegalArgumentException("the file store serves one instance");
    }
    Path work = Path.of("target", "scale-out-bench");
    PackagedService.deleteTree(work);
    Files.createDirectories(work);
    String url = store.equals("postgres") ? PostgresTestDatabase.emptyDatabaseUrl() : null;
    List<PackagedService> started = new ArrayList<>();
    boolean ok;
    try {
      for (int i = 0; i < instances; i++) {
        PackagedService.Options o = new PackagedService.Options("i" + i, work);
        if (url != null) {
          o.env("LUCERNA_DATA_STORE", "postgres")
              .env("QUARKUS_DATASOURCE_JDBC_URL", url)
              .env("QUARKUS_DATASOURCE_USERNAME", "postgres")
              .env("LUCERNA_STORE_INSTANCE_ID", "i" + i);
        }
        started.add(PackagedService.start(o));
      }
      List<String> urls = new ArrayList<>();
      for (PackagedService s : started) {
        s.awaitReady(Duration.ofMinutes(5));
        urls.add("http://127.0.0.1:" + s.port());
      }
      load.addAll(List.of("--url", String.join(",", urls)));
      System.out.printf(
          "instances=%d store=%s load average before: %s%n", instances, store, loadAverage());
      ok = LoadBenchmark.run(load.toArray(String[]::new));
      System.out.printf("load average after: %s%n", loadAverage());
    } finally {
      started.forEach(PackagedService::close);
    }
    System.exit(ok ? 0 : 1); // the embedded PostgreSQL stops with the JVM
  }

  private static String loadAverage() {
    try {
      return String.join(
          " ",
          Arrays.asList(Files.readString(Path.of("/proc/loadavg")).trim().split(" "))
              .subList(0, 3));
    } catch (Exception e) {
      return "unknown";
    }
  }
}
