package org.lucerna.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.PreparedModelCache;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanCache;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.transform.Transforms;

/**
 * The service against the library on one workload: seconds per optimization step of a job (through
 * HTTP, the queue, a worker, progress and the default file store) against the same plan rendered in
 * this JVM, and the time to the first step of a job of the default recipe on a fresh service whose
 * warm-up has finished. Not a test: run it as the README says. The last line is {@code key=value}
 * pairs.
 *
 * <p>By default it starts the packaged service ({@code target/quarkus-app/quarkus-run.jar}) with
 * its default configuration except the model root, a fresh data folder and a free port, with {@code
 * TF_ENABLE_ONEDNN_OPTS=1}, and stops it at the end; {@code --url} uses a running service instead
 * ({@code first_step_new_ms} is then only meaningful if it is fresh).
 *
 * <p>Arguments (defaults): {@code --root models --model inception_v3 --layer mixed4 --channel 97
 * --size 299 --steps 64 --rounds 3 --jar target/quarkus-app/quarkus-run.jar --url (none)
 * --java-opts (none) --poll-ms 1000}: {@code --java-opts "-Xmx1g ..."} starts the service with
 * those JVM options; {@code --poll-ms} is how often this client polls a job (it runs on the
 * service's cores, and its CPU during the service's rounds is printed as {@code
 * client_cpu_s_per_step}).
 *
 * <p>Each round renders {@code steps} steps in the library, then runs a job of {@code steps} steps
 * on the service (whose plan is then built: the first round's job builds it, untimed), taking turns
 * so that the machine's drift falls on both. A side's seconds per step is the median over rounds of
 * (render time / steps); for the service the render time is what the job's final progress reports
 * (steps per second from the plan's first step to its last).
 */
public final class ServiceSpeedBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path root = Path.of(a.getOrDefault("root", "models")).toAbsolutePath();
    String modelName = a.getOrDefault("model", "inception_v3");
    String layer = a.getOrDefault("layer", "mixed4");
    int channel = Integer.parseInt(a.getOrDefault("channel", "97"));
    int size = Integer.parseInt(a.getOrDefault("size", "299"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "64"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    // How often a job is polled: this client shares the service's cores.
    long pollMillis = Long.parseLong(a.getOrDefault("poll-ms", "1000"));

    Process service = null;
    URI base;
    if (a.containsKey("url")) {
      base = URI.create(a.get("url"));
    } else {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path data = Files.createTempDirectory("lucerna-speed-");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // JVM options of the service (none by default, as in the README's run command).
      for (String o : a.getOrDefault("java-opts", "").trim().split("\\s+")) {
        if (!o.isEmpty()) {
          command.add(o);
        }
      }
      command.add("-jar");
      command.add(a.getOrDefault("jar", "target/quarkus-app/quarkus-run.jar"));
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(data.resolve("service.log").toFile());
      pb.environment().put("TF_ENABLE_ONEDNN_OPTS", "1");
      pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
      pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
      pb.environment().put("LUCERNA_MODELS_ROOT", root.toString());
      pb.environment().put("LUCERNA_MODELS_DEFAULT", modelName);
      pb.environment().put("LUCERNA_DATA_DIR", data.toString());
      service = pb.start();
      base = URI.create("http://127.0.0.1:" + port);
      System.out.println("service log: " + data.resolve("service.log"));
    }
    try {
      awaitStarted(base, service);
      // The default recipe: only the objective, on the default model.
      String first =
          submit(base, "{\"objective\": \"" + layer + ":" + channel + "\", \"steps\": 4}");
      await(base, first, pollMillis);
      double firstStepMs = metric(base, "lucerna_jobs_first_step_seconds_max") * 1000;
      System.out.printf(
          Locale.ROOT, "first job of the default recipe: %.0f ms to its first step%n", firstStepMs);

      ModelRegistry registry =
          new ModelRegistry(
              new ModelRepository(root),
              new PreparedModelCache(root.resolve(".prepared")),
              1L << 32);
      PreparedModel model = registry.get(modelName, OptionalLong.empty());
      Objective objective = Objectives.channel(layer, channel);
      // The spec a worker renders the job with: the layer read through the input that holds the
      // channel, where it is a concatenation.
      PlanSpec spec =
          PlanSpec.of(size, size, 1, objective)
              .withTransforms(Transforms.standard())
              .readingConcatInputs(model, objective);
      String body =
          String.format(
              Locale.ROOT,
              "{\"model\": \"%s\", \"objective\": \"%s:%d\", \"size\": %d, \"steps\": %d}",
              modelName,
              layer,
              channel,
              size,
              steps);
      double[] library = new double[rounds];
      double[] viaService = new double[rounds];
      double[] libraryCpu = new double[rounds];
      double[] serviceCpu = new double[rounds];
      double[] clientCpu = new double[rounds];
      long servicePid = service != null ? service.pid() : -1;
      long selfPid = ProcessHandle.current().pid();
      try (PlanCache cache = new PlanCache(1, ExecutionOptions.CPU_DEFAULT)) {
        Plan plan = cache.get(model, spec);
        plan.render(objective, new RenderSettings(3, 1), RenderListener.NONE); // session warm-up
        await(base, submit(base, body), pollMillis); // the service builds its plan: not timed
        for (int r = 0; r < rounds; r++) {
          double c = cpuSeconds(selfPid);
          long t = System.nanoTime();
          plan.render(objective, new RenderSettings(steps, 2 + r), RenderListener.NONE);
          library[r] = (System.nanoTime() - t) / 1e9 / steps;
          libraryCpu[r] = (cpuSeconds(selfPid) - c) / steps;
          double sc = cpuSeconds(servicePid);
          double cc = cpuSeconds(selfPid);
          JsonNode job = await(base, submit(base, body), pollMillis);
          viaService[r] = 1 / job.path("progress").path("stepsPerSecond").asDouble();
          serviceCpu[r] = (cpuSeconds(servicePid) - sc) / steps;
          clientCpu[r] = (cpuSeconds(selfPid) - cc) / steps;
          System.out.printf(
              Locale.ROOT,
              "round %d: library %.4f s/step (cpu %.4f s/step), service %.4f s/step (cpu %.4f"
                  + " s/step, the whole job and its HTTP; this client polling it: cpu %.4f s/step),"
                  + " load %s%n",
              r + 1,
              library[r],
              libraryCpu[r],
              viaService[r],
              serviceCpu[r],
              clientCpu[r],
              loadAverage());
        }
      }
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = viaService[r] / library[r];
      }
      System.out.printf(
          Locale.ROOT,
          "%s %s:%d, %d px, standard transforms, batch 1, %d steps, %d rounds,"
              + " TF_ENABLE_ONEDNN_OPTS=%s (library side)%n",
          modelName,
          layer,
          channel,
          size,
          steps,
          rounds,
          System.getenv("TF_ENABLE_ONEDNN_OPTS"));
      System.out.printf(
          Locale.ROOT,
          "wall s/step over rounds: service min %.4f median %.4f max %.4f; library min %.4f"
              + " median %.4f max %.4f; ratio per round %s%n",
          min(viaService),
          median(viaService),
          max(viaService),
          min(library),
          median(library),
          max(library),
          Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
      // The last line: the best round of each side (the least disturbed by other processes), the
      // median of the rounds' ratios, and the CPU seconds per step (less sensitive to the
      // machine's load than wall time; the service's include its HTTP and the job's own writes).
      System.out.printf(
          Locale.ROOT,
          "service_s_per_step=%.4f library_s_per_step=%.4f ratio=%.3f best_ratio=%.3f"
              + " service_cpu_s_per_step=%.4f library_cpu_s_per_step=%.4f cpu_ratio=%.3f"
              + " client_cpu_s_per_step=%.4f first_step_new_ms=%.0f%n",
          min(viaService),
          min(library),
          median(ratios),
          min(viaService) / min(library),
          median(serviceCpu),
          median(libraryCpu),
          servicePid < 0 ? Double.NaN : median(serviceCpu) / median(libraryCpu),
          median(clientCpu),
          firstStepMs);
    } finally {
      if (service != null) {
        service.destroy();
        service.waitFor();
      }
    }
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  /** User and system CPU seconds of process {@code pid} so far (Linux), NaN when unknown. */
  static double cpuSeconds(long pid) {
    if (pid < 0) {
      return Double.NaN;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command (which may hold spaces), from the third: utime is the 14th.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks / 100.0; // USER_HZ, 100 on Linux
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static double median(double[] values) {
    double[] d = values.clone();
    Arrays.sort(d);
    return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
  }

  private static void awaitStarted(URI base, Process service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (service != null && !service.isAlive()) {
        throw new IllegalStateException("the service exited with " + service.exitValue());
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(base.resolve("/q/health/started")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500); // polling a process this JVM cannot be told about
    }
    throw new IllegalStateException("the service did not finish its warm-up in 20 minutes");
  }

  private static String submit(URI base, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve("/visualize"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body()).path("id").asText();
  }

  private static JsonNode await(URI base, String id, long pollMillis) throws Exception {
    while (true) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve("/jobs/" + id)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode job = JSON.readTree(r.body());
      String status = job.path("status").asText();
      if (status.equals("SUCCEEDED")) {
        return job;
      }
      if (status.equals("FAILED") || status.equals("CANCELLED")) {
        throw new IllegalStateException("job " + id + " ended " + status + ": " + r.body());
      }
      Thread.sleep(pollMillis); // polling over HTTP, as a client does
    }
  }

  /** A value of the service's Prometheus metrics, summed over its label sets. */
  private static double metric(URI base, String name) throws Exception {
    String text =
        HTTP.send(
                HttpRequest.newBuilder(base.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
    List<Double> values = new ArrayList<>();
    while (m.find()) {
      values.add(Double.parseDouble(m.group(2)));
    }
    if (values.isEmpty()) {
      throw new IllegalStateException("no metric " + name + " at " + base);
    }
    return values.stream().mapToDouble(Double::doubleValue).sum();
  }
}
