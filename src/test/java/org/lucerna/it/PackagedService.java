package org.lucerna.it;

import static org.awaitility.Awaitility.await;

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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}, built by {@code mvn package})
 * started as a child JVM on a free loopback port, with its output in a log file: what the
 * integration tests ({@code *IT}, run by {@code mvn surefire:test@multi-instance}) and the
 * scale-out benchmark kill, freeze and talk to. The built-in {@code tiny_cnn} is the default model
 * and the model repository is an empty folder of its own, so nothing outside {@code target} is
 * read.
 */
public final class PackagedService implements AutoCloseable {
  public static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;

  private PackagedService(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** What a start needs besides the defaults: a name, a working folder, settings, JVM options. */
  public static final class Options {
    private final String name;
    private final Path work;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvm = new ArrayList<>(List.of("-Xmx640m"));
    private Integer port;

    public Options(String name, Path work) {
      this.name = name;
      this.work = work;
    }

    /** An environment variable of the service ({@code LUCERNA_*}, {@code QUARKUS_*}). */
    public Options env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** Leaves a variable out, even one set by default here. */
    public Options without(String key) {
      env.put(key, null);
      return this;
    }

    public Options jvm(String option) {
      jvm.add(option);
      return this;
    }

    /** The same port again (a restart that clients find where they left it). */
    public Options port(int port) {
      this.port = port;
      return this;
    }
  }

  /**
   * Starts it. The data folder is {@code <work>/<name>/data} unless {@code LUCERNA_DATA_DIR} is
   * given, so a restart with the same name and folder finds its jobs again.
   */
  public static PackagedService start(Options o) throws IOException {
    if (!Files.isRegularFile(APP)) {
      throw new IllegalStateException(
          APP + " is missing: run `mvn -B package -DskipTests -Dlucerna.zoo.skip=true` first");
    }
    int port = o.port != null ? o.port : freePort();
    Path dir = Files.createDirectories(o.work.resolve(o.name));
    Files.createDirectories(dir.resolve("models"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(o.jvm);
    command.add("-jar");
    command.add(APP.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("LUCERNA_MODELS_ROOT", dir.resolve("models").toAbsolutePath().toString());
    env.put("LUCERNA_MODELS_DEFAULT", "tiny_cnn");
    env.put("LUCERNA_DATA_DIR", dir.resolve("data").toAbsolutePath().toString());
    env.put("TF_ENABLE_ONEDNN_OPTS", "1");
    env.put("TF_CPP_MIN_LOG_LEVEL", "2");
    o.env.forEach(
        (k, v) -> {
          if (v == null) {
            env.remove(k);
          } else {
            env.put(k, v);
          }
        });
    // Each start of one name appends to its log, so the story of a restarted service is in one
    // file.
    Path log = o.work.resolve(o.name + ".log");
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new PackagedService(o.name, port, pb.start(), log);
  }

  /** Removes a folder and everything in it, if it is there: a run starts from nothing. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** Waits until its readiness probe answers 200; fails at once if the process ended. */
  public PackagedService awaitReady(Duration atMost) {
    await(name + " ready")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; its log is " + log);
              }
              return get("/q/health/ready").statusCode() == 200;
            });
    return this;
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> postJson(String path, String body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** kill -9 and wait for the end; the exit code (137 when SIGKILL ended it). */
  public int kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    return process.waitFor();
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}) with kill(1). */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
    }
  }

  /** Resumes it if it was frozen, then kills it: nothing of a test outlives it. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        signal("CONT"); // a frozen process may not act on SIGKILL until resumed
      }
    } catch (Exception e) {
      // it is being stopped anyway
    }
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
