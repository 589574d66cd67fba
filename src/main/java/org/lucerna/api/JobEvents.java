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
import java.util.concurrent.atomic.AtomicReference;
import org.lucerna.job.Job;
import org.lucerna.job.JobService;
import org.lucerna.job.JobStatus;

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

  private final JobService jobs;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lucerna-job-events");
            t.setDaemon(true);
            return t;
          });

  public JobEvents(JobService jobs) {
    this.jobs = jobs;
  }

  void stop(@Observes ShutdownEvent event) {
    timer.shutdownNow();
  }

  /** Streams the events of {@code job} into {@code sink} until it is done or the client leaves. */
  void stream(Job job, long lastEventId, SseEventSink sink, Sse sse) {
    Stream stream = new Stream(job.id(), lastEventId, sink, sse);
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    task.set(
        timer.scheduleWithFixedDelay(
            () -> {
              if (!stream.tick()) {
                ScheduledFuture<?> f = task.get();
                if (f != null) {
                  f.cancel(false);
                }
              }
            },
            0,
            POLL_MS,
            TimeUnit.MILLISECONDS));
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
