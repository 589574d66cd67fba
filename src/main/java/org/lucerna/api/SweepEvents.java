package org.lucerna.api;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Sweep;
import org.lucerna.job.SweepService;

/**
 * Server-Sent Events for one sweep, read from its batch jobs every {@value #POLL_MS} ms: {@code
 * status}, {@code progress} (channels done and each batch's step), {@code channel} when a channel's
 * image is ready, and a final {@code done} with the sweep, after which the stream ends. A stream
 * starts with the current state; event ids count up along a stream and go on from {@code
 * Last-Event-ID} when a client reconnects, which gets the current state again.
 */
@ApplicationScoped
public class SweepEvents {
  private static final Logger LOG = Logger.getLogger(SweepEvents.class);
  static final long POLL_MS = 200;

  private final SweepService sweeps;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lucerna-sweep-events");
            t.setDaemon(true);
            return t;
          });

  public SweepEvents(SweepService sweeps) {
    this.sweeps = sweeps;
  }

  void stop(@Observes ShutdownEvent event) {
    timer.shutdownNow();
  }

  void stream(Sweep sweep, long lastEventId, SseEventSink sink, Sse sse) {
    Stream stream = new Stream(sweep.id(), lastEventId, sink, sse);
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
    private long eventId;
    private JobStatus lastStatus;
    private String lastProgress;
    private final Set<Integer> channelsSent = new HashSet<>();
    private long lastSent = System.currentTimeMillis();

    Stream(String id, long lastEventId, SseEventSink sink, Sse sse) {
      this.id = id;
      this.eventId = lastEventId;
      this.sink = sink;
      this.sse = sse;
    }

    boolean tick() {
      try {
        if (sink.isClosed()) {
          return false;
        }
        Optional<Sweep> found = sweeps.find(id);
        if (found.isEmpty()) {
          send("done", Map.of("id", id, "deleted", true));
          sink.close();
          return false;
        }
        SweepService.State state = sweeps.state(found.get());
        if (state.status() != lastStatus) {
          send("status", Map.of("id", id, "status", state.status()));
          lastStatus = state.status();
        }
        for (int c : state.ready()) {
          if (channelsSent.add(c)) {
            send(
                "channel",
                Map.of("channel", c, "image", "/sweeps/" + id + "/channels/" + c + "/image"));
          }
        }
        Map<String, Object> progress =
            Map.of(
                "channelsDone", state.ready().size(),
                "channelsTotal", found.get().spec().channels().size(),
                "batches", SweepDocument.BatchView.of(state));
        String signature = state.ready().size() + ":" + steps(state);
        if (!signature.equals(lastProgress)) {
          send("progress", progress);
          lastProgress = signature;
        }
        if (state.status().isFinal()) {
          send("done", SweepDocument.of(found.get(), state));
          sink.close();
          return false;
        }
        if (System.currentTimeMillis() - lastSent > JobEvents.KEEP_ALIVE_MS) {
          sink.send(sse.newEventBuilder().comment("keep-alive").build());
          lastSent = System.currentTimeMillis();
        }
        return true;
      } catch (RuntimeException e) {
        LOG.warnf(e, "event stream of sweep %s ended by an error", id);
        sink.close();
        return false;
      }
    }

    private String steps(SweepService.State state) {
      StringBuilder b = new StringBuilder();
      for (SweepService.BatchState s : state.batches()) {
        b.append(s.progress().step()).append(s.status().ordinal()).append(',');
      }
      return b.toString();
    }

    private void send(String name, Object data) {
      eventId++;
      sink.send(
          sse.newEventBuilder()
              .name(name)
              .id(Long.toString(eventId))
              .mediaType(MediaType.APPLICATION_JSON_TYPE)
              .data(data)
              .build());
      lastSent = System.currentTimeMillis();
    }
  }
}
