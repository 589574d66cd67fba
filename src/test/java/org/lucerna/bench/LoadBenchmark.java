package org.lucerna.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load on a running service: {@code jobs} small jobs submitted from several client threads while
 * other threads poll their statuses. A full queue's 503 is honoured (wait Retry-After, submit
 * again); at the end every accepted job must have reached a final state. Not a test: it needs a
 * running service.
 *
 * <p>Arguments (defaults): {@code --url http://localhost:8080 --jobs 1000 --submitters 4 --pollers
 * 2 --model tiny_cnn} (the model needs a layer {@code conv1}, as the built-in tiny CNN has). Run it
 * as the README says. The last line is {@code key=value} pairs; the exit code is 1 when a job was
 * lost or a submission failed.
 */
public final class LoadBenchmark {
  private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
  private static final Duration FINISH_TIMEOUT = Duration.ofMinutes(15);

  /** One instance, or several on one database: submissions and polls go round them. */
  private final List<URI> bases;

  private final AtomicInteger nextBase = new AtomicInteger();

  /** Named in every job: the service's default model may be a large one. */
  private final String model;

  private final int jobs;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger nextJob = new AtomicInteger();
  private final AtomicInteger submittersLeft;
  private final Map<String, Boolean> unfinished = new ConcurrentHashMap<>();
  private final Map<String, String> outcomes = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> submitNanos = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> statusNanos = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> jobNanos = new ConcurrentLinkedQueue<>();
  private final AtomicLong queueFull = new AtomicLong();
  private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

  private LoadBenchmark(List<URI> bases, String model, int jobs, int submitters) {
    this.model = model;
    this.bases = bases;
    this.jobs = jobs;
    this.submittersLeft = new AtomicInteger(submitters);
  }

  public static void main(String[] args) throws Exception {
    if (!run(args)) {
      System.exit(1);
    }
  }

  /**
   * Runs it with {@code main}'s arguments and prints the figures; false when a job was lost or a
   * submission failed.
   */
  public static boolean run(String[] args) throws Exception {
    Map<String, String> opts =
        new HashMap<>(
            Map.of(
                "url",
                "http://localhost:8080",
                "jobs",
                "1000",
                "submitters",
                "4",
                "pollers",
                "2",
                "model",
                "tiny_cnn"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    // --url a,b: instances sharing one database; each request goes to the next one.
    List<URI> bases = new ArrayList<>();
    for (String url : opts.get("url").split(",")) {
      URI base = URI.create(url.trim());
      // Load is only ever aimed at this machine: a typo must not turn it on someone else's service.
      if (!InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
        throw new IllegalArgumentException("url must be a loopback address, got " + base);
      }
      bases.add(base);
    }
    int submitters = Integer.parseInt(opts.get("submitters"));
    return new LoadBenchmark(
            bases, opts.get("model"), Integer.parseInt(opts.get("jobs")), submitters)
        .run(submitters, Integer.parseInt(opts.get("pollers")));
  }

  private URI base() {
    return bases.get(Math.floorMod(nextBase.getAndIncrement(), bases.size()));
  }

  private boolean run(int submitters, int pollers) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < submitters; i++) {
      threads.add(new Thread(this::submitAll, "submit-" + i));
    }
    long deadline = start + FINISH_TIMEOUT.toNanos();
    for (int i = 0; i < pollers; i++) {
      threads.add(new Thread(() -> pollUntilDone(deadline), "poll-" + i));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return report(seconds);
  }

  private void submitAll() {
    try {
      for (int i = nextJob.getAndIncrement(); i < jobs; i = nextJob.getAndIncrement()) {
        submit(i);
      }
    } finally {
      submittersLeft.decrementAndGet();
    }
  }

  private void submit(int seed) {
    String body =
        "{\"model\": \""
            + model
            + "\", \"objective\": \"conv1:0\", \"size\": 8, \"steps\": 1,"
            + " \"seed\": "
            + seed
            + "}";
    HttpRequest request =
        HttpRequest.newBuilder(base().resolve("/visualize"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    while (true) {
      try {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        submitNanos.add(System.nanoTime() - t0);
        if (r.statusCode() == 202) {
          unfinished.put(json.readTree(r.body()).get("id").asText(), Boolean.TRUE);
          return;
        }
        if (r.statusCode() != 503) {
          errors.add("submit " + seed + ": " + r.statusCode() + " " + r.body());
          return;
        }
        queueFull.incrementAndGet();
        long wait =
            r.headers()
                .firstValue("Retry-After")
                .map(Long::parseLong)
                .orElseThrow(() -> new IllegalStateException("503 without Retry-After"));
        Thread.sleep(wait * 1000);
      } catch (IOException e) {
        errors.add("submit " + seed + ": " + e);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void pollUntilDone(long deadline) {
    while (System.nanoTime() < deadline && (submittersLeft.get() > 0 || !unfinished.isEmpty())) {
      List<String> ids = new ArrayList<>(unfinished.keySet());
      Collections.shuffle(ids); // two pollers should not walk the same order
      for (String id : ids) {
        if (!unfinished.containsKey(id)) {
          continue;
        }
        try {
          long t0 = System.nanoTime();
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(base().resolve("/jobs/" + id)).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
          statusNanos.add(System.nanoTime() - t0);
          if (r.statusCode() != 200) {
            errors.add("status " + id + ": " + r.statusCode());
            unfinished.remove(id);
            continue;
          }
          JsonNode job = json.readTree(r.body());
          String status = job.get("status").asText();
          if (FINAL.contains(status) && unfinished.remove(id) != null) {
            outcomes.put(id, status);
            // The service's own times: from acceptance to the final state, whichever instance
            // ran it, not bounded below by how often this client polls.
            if (job.hasNonNull("createdAt") && job.hasNonNull("finishedAt")) {
              jobNanos.add(
                  Duration.between(
                          Instant.parse(job.get("createdAt").asText()),
                          Instant.parse(job.get("finishedAt").asText()))
                      .toNanos());
            }
          }
        } catch (IOException e) {
          errors.add("status " + id + ": " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (ids.isEmpty()) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private boolean report(double seconds) {
    int accepted = outcomes.size() + unfinished.size();
    long succeeded = outcomes.values().stream().filter("SUCCEEDED"::equals).count();
    long otherFinal = outcomes.size() - succeeded;
    System.out.printf(
        Locale.ROOT,
        "%d jobs accepted in %.1f s: %.1f jobs/s finished%n",
        accepted,
        seconds,
        outcomes.size() / seconds);
    System.out.printf(
        Locale.ROOT,
        "submit: %d calls, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; 503 queue full: %d%n",
        submitNanos.size(),
        percentile(submitNanos, 50),
        percentile(submitNanos, 95),
        percentile(submitNanos, 99),
        queueFull.get());
    System.out.printf(
        Locale.ROOT,
        "status: %d calls, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms%n",
        statusNanos.size(),
        percentile(statusNanos, 50),
        percentile(statusNanos, 95),
        percentile(statusNanos, 99));
    System.out.printf(
        Locale.ROOT,
        "job (accepted to final, the service's times): p50 %.0f ms, p95 %.0f ms%n",
        percentile(jobNanos, 50),
        percentile(jobNanos, 95));
    System.out.printf(
        Locale.ROOT,
        "final: %d succeeded, %d failed or cancelled, %d not final (lost)%n",
        succeeded,
        otherFinal,
        unfinished.size());
    errors.stream().limit(10).forEach(e -> System.out.println("error: " + e));
    System.out.printf(
        Locale.ROOT,
        "jobs=%d accepted=%d succeeded=%d other_final=%d lost=%d errors=%d queue_full=%d seconds=%.1f "
            + "jobs_per_s=%.1f submit_p50_ms=%.1f submit_p95_ms=%.1f submit_p99_ms=%.1f "
            + "status_p50_ms=%.1f status_p95_ms=%.1f status_p99_ms=%.1f job_p50_ms=%.0f job_p95_ms=%.0f%n",
        jobs,
        accepted,
        succeeded,
        otherFinal,
        unfinished.size(),
        errors.size(),
        queueFull.get(),
        seconds,
        outcomes.size() / seconds,
        percentile(submitNanos, 50),
        percentile(submitNanos, 95),
        percentile(submitNanos, 99),
        percentile(statusNanos, 50),
        percentile(statusNanos, 95),
        percentile(statusNanos, 99),
        percentile(jobNanos, 50),
        percentile(jobNanos, 95));
    return unfinished.isEmpty() && accepted >= jobs;
  }

  private static double percentile(ConcurrentLinkedQueue<Long> nanos, int p) {
    List<Long> sorted = new ArrayList<>(nanos);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }
}
