package org.lucerna.api;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.lucerna.job.Job;
import org.lucerna.job.JobService;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Limits;

/**
 * Server-Sent Events for one job: {@code status}, {@code progress}, {@code snapshot} and a final
 * {@code done}, after which the stream ends. Events follow the stored job (read every {@value
 * #POLL_MS} ms), so a stream works whichever instance runs the job. Each event's id is the job
 * version it reports; a client that reconnects with {@code Last-Event-ID} gets only what came
 * after.
 */
@ApplicationScoped
public class JobEvents {
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(JobEvents.class);
  static final long POLL_MS = 200;
  static final long KEEP_ALIVE_MS = 15_000;

  /** Seconds a client refused for too many open streams is asked to wait. */
  static final String RETRY_AFTER_SECONDS = "5";

  private final JobService jobs;
  private final int maxStreams;
  private final AtomicInteger open = new AtomicInteger();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lucerna-job-events");
            t.setDaemon(true);
            return t;
          });

  public JobEvents(JobService jobs, Limits limits) {
    this.jobs = jobs;
    this.maxStreams = limits.maxEventStreams();
  }

  void stop(@Observes ShutdownEvent event) {
    timer.shutdownNow();
  }

  /**
   * Streams the events of {@code job} into {@code sink} until it is done or the client leaves.
   *
   * @throws ProblemException 503 with Retry-After when {@code lucerna.limits.max-event-streams}
   *     streams are open already
   */
  void stream(Job job, long lastEventId, SseEventSink sink, Sse sse) {
    if (open.incrementAndGet() > maxStreams) {
      open.decrementAndGet();
      throw new ProblemException(
          Problem.of(
              503,
              "too-many-streams",
              "Too many event streams",
              "this instance has "
                  + maxStreams
                  + " event streams open, the most it serves"
                  + " (lucerna.limits.max-event-streams); retry later, or poll GET /jobs/"
                  + job.id()),
          RETRY_AFTER_SECONDS);
    }
    Stream stream = new Stream(job.id(), lastEventId, sink, sse);
    AtomicBoolean ended = new AtomicBoolean();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable tick =
        () -> {
          if (ended.get()) {
            return;
          }
          if (!stream.tick() && ended.compareAndSet(false, true)) {
            open.decrementAndGet(); // once per stream, however often this runs after its end
            ScheduledFuture<?> f = task.get();
            if (f != null) {
              f.cancel(false);
            }
          }
        };
    // The first events go out on the request's thread: the first send writes the response head,
    // and a timer thread that sent at the same moment would write it a second time.
    tick.run();
    if (ended.get()) {
      return;
    }
    try {
      task.set(timer.scheduleWithFixedDelay(tick, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS));
    } catch (RuntimeException e) {
      if (ended.compareAndSet(false, true)) {
        open.decrementAndGet(); // the timer stopped: shutting down
      }
      sink.close();
      throw e;
    }
    if (ended.get()) {
      task.get().cancel(false);
    }
  }

  /** Event streams open now: for tests and metrics. */
  int openStreams() {
    return open.get();
  }

  private final class Stream {
    private final String id;
    private final SseEventSink sink;
    private final Sse sse;
    private long lastVersion;
    private JobStatus lastStatus;
    private int lastStep = -1;
    private final Set<Integer> snapshotsSent = new HashSet<>();
    private long lastSent = System.currentTimeMillis();

    Stream(String id, long lastEventId, SseEventSink sink, Sse sse) {
      this.id = id;
      this.lastVersion = lastEventId;
      this.sink = sink;
      this.sse = sse;
    }

    /** Sends what changed; false when the stream has ended. */
    boolean tick() {
      try {
        if (sink.isClosed()) {
          return false;
        }
        Optional<Job> found = jobs.find(id);
        if (found.isEmpty()) {
          send("done", lastVersion + 1, Map.of("id", id, "deleted", true));
          sink.close();
          return false;
        }
        Job job = found.get();
        if (job.version() > lastVersion) {
          long v = job.version();
          if (job.status() != lastStatus) {
            send("status", v, Map.of("id", id, "status", job.status()));
          }
          if (job.progress().step() != lastStep && job.progress().step() > 0) {
            send("progress", v, job.progress());
          }
          for (int step : job.progress().snapshots()) {
            if (snapshotsSent.add(step)) {
              send(
                  "snapshot",
                  v,
                  Map.of("step", step, "image", "/jobs/" + id + "/snapshots/" + step));
            }
          }
          lastStatus = job.status();
          lastStep = job.progress().step();
          lastVersion = v;
          if (job.status().isFinal()) {
            send("done", v, JobDocument.of(job, OptionalLong.empty()));
            sink.close();
            return false;
          }
        } else if (job.status().isFinal()) {
          // Resumed at the final version: the client may have missed "done", which shares its id.
          send("done", job.version(), JobDocument.of(job, OptionalLong.empty()));
          sink.close();
          return false;
        } else if (System.currentTimeMillis() - lastSent > KEEP_ALIVE_MS) {
          sink.send(sse.newEventBuilder().comment("keep-alive").build());
          lastSent = System.currentTimeMillis();
        }
        return true;
      } catch (RuntimeException e) {
        LOG.warnf(e, "event stream of job %s ended by an error", id);
        sink.close();
        return false;
      }
    }

    private void send(String name, long eventId, Object data) {
      OutboundSseEvent event =
          sse.newEventBuilder()
              .name(name)
              .id(Long.toString(eventId))
              .mediaType(MediaType.APPLICATION_JSON_TYPE)
              .data(data)
              .build();
      sink.send(event);
      lastSent = System.currentTimeMillis();
    }
  }
}
