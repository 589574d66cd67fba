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
 * Server-Sent Events for one job: {@code status}, {@code progress} (the job's progress, its
 * objective curve so far included), {@code snapshot} and a final {@code done}, after which the
 * stream ends. Events follow the stored job (read every {@value #POLL_MS} ms), so a stream works
 * whichever instance runs the job. Every connect starts with the current state (a {@code status}
 * event, and {@code done} for a finished job). Each event's id is a step: the furthest step of the
 * job this stream has reported, so ids never go back and a {@code progress} event's id is its step.
 * A client that reconnects with {@code Last-Event-ID} gets no progress at or before that step
 * again.
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

    /** The Last-Event-ID the client resumed from, or -1 on a first connect. */
    private final long resumedFrom;

    /** The id of the last event sent: the furthest step this stream has reported. */
    private long lastId;

    private boolean connected;
    private long lastVersion = -1;
    private JobStatus lastStatus;
    private final Set<Integer> snapshotsSent = new HashSet<>();
    private long lastSent = System.currentTimeMillis();

    Stream(String id, long lastEventId, SseEventSink sink, Sse sse) {
      this.id = id;
      this.resumedFrom = lastEventId;
      this.lastId = Math.max(0, lastEventId);
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
          send("done", lastId, Map.of("id", id, "deleted", true));
          sink.close();
          return false;
        }
        Job job = found.get();
        int step = job.progress().step();
        if (!connected) {
          // The current state on every connect, resumed or not: a client that reconnects knows
          // where the job stands even if nothing changes for a while.
          connected = true;
          lastId = Math.max(lastId, step);
          send("status", lastId, Map.of("id", id, "status", job.status()));
          lastStatus = job.status();
          if (step > resumedFrom && step > 0) {
            send("progress", lastId, ProgressView.of(job.progress()));
          }
          for (int s : job.progress().snapshots()) {
            snapshotsSent.add(s);
            // A snapshot recorded at the step the client saw last may have come after that
            // step's progress event: send it again (the page ignores one it has).
            if (s >= resumedFrom) {
              send("snapshot", lastId, snapshot(s));
            }
          }
          lastVersion = job.version();
        } else if (job.version() != lastVersion) {
          if (job.status() != lastStatus) {
            // The id of the step it happened at; lastId moves with the progress event below.
            send("status", Math.max(lastId, step), Map.of("id", id, "status", job.status()));
            lastStatus = job.status();
          }
          // A job run again after a crash starts over at step 0; its steps are reported again
          // once they pass the furthest one this stream sent, so ids never go back.
          if (step > lastId) {
            lastId = step;
            send("progress", lastId, ProgressView.of(job.progress()));
          }
          for (int s : job.progress().snapshots()) {
            if (snapshotsSent.add(s)) {
              send("snapshot", lastId, snapshot(s));
            }
          }
          lastVersion = job.version();
        } else if (!job.status().isFinal()
            && System.currentTimeMillis() - lastSent > KEEP_ALIVE_MS) {
          sink.send(sse.newEventBuilder().comment("keep-alive").build());
          lastSent = System.currentTimeMillis();
        }
        if (job.status().isFinal()) {
          send("done", lastId, JobDocument.of(job, OptionalLong.empty()));
          sink.close();
          return false;
        }
        return true;
      } catch (RuntimeException e) {
        LOG.warnf(e, "event stream of job %s ended by an error", id);
        sink.close();
        return false;
      }
    }

    private Map<String, Object> snapshot(int step) {
      return Map.of("step", step, "image", "/jobs/" + id + "/snapshots/" + step);
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
