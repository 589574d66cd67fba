package org.lucerna.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Sweep;
import org.lucerna.job.SweepService;

/**
 * Server-Sent Events for one sweep, read from its batch jobs (see {@link EventStreams}): {@code
 * status}, {@code progress} (channels done and each batch's step), {@code channel} when a channel's
 * image is ready, and a final {@code done} with the sweep, after which the stream ends. Every
 * connect starts with the current state: its status, its progress and every channel ready so far.
 * Each event's id is the sweep's step, the steps its batch jobs have taken added up, as far as this
 * stream has reported: ids never go back, and a client that reconnects with {@code Last-Event-ID}
 * gets no progress at or before that step again.
 */
@ApplicationScoped
public class SweepEvents {
  private final SweepService sweeps;
  private final EventStreams streams;

  public SweepEvents(SweepService sweeps, EventStreams streams) {
    this.sweeps = sweeps;
    this.streams = streams;
  }

  /**
   * Streams the events of {@code sweep} into {@code sink} until it is done or the client leaves.
   *
   * @throws ProblemException 503 with Retry-After when {@code lucerna.limits.max-event-streams}
   *     streams are open already
   */
  void stream(Sweep sweep, long lastEventId, SseEventSink sink, Sse sse) {
    EventStreams.Sender sender = new EventStreams.Sender(sink, sse, "sweep " + sweep.id());
    streams.open(sender, new Stream(sweep.id(), lastEventId, sender), "GET /sweeps/" + sweep.id());
  }

  private final class Stream implements EventStreams.Poll {
    private final String id;
    private final EventStreams.Sender out;

    /** The Last-Event-ID the client resumed from, or 0 on a first connect. */
    private final long resumedFrom;

    /** The id of the last event sent: the furthest sweep step this stream has reported. */
    private long lastId;

    private boolean connected;
    private JobStatus lastStatus;
    private String lastProgress;
    private final Set<Integer> channelsSent = new HashSet<>();

    Stream(String id, long lastEventId, EventStreams.Sender out) {
      this.id = id;
      this.resumedFrom = lastEventId;
      this.lastId = Math.max(0, lastEventId);
      this.out = out;
    }

    @Override
    public boolean tick() {
      try {
        if (out.closed()) {
          return false;
        }
        Optional<Sweep> found = sweeps.find(id);
        if (found.isEmpty()) {
          out.send("done", lastId, Map.of("id", id, "deleted", true));
          return out.close();
        }
        SweepService.State state = sweeps.state(found.get());
        long step = state.step();
        String signature = state.ready().size() + ":" + statuses(state);
        if (!connected) {
          // The current state on every connect, resumed or not.
          connected = true;
          lastId = Math.max(lastId, step);
          out.send("status", lastId, Map.of("id", id, "status", state.status()));
          for (int c : state.ready()) {
            channelsSent.add(c);
            out.send("channel", lastId, channel(c));
          }
          if (resumedFrom == 0 || step > resumedFrom) {
            out.send("progress", lastId, progress(found.get(), state));
          }
        } else {
          if (state.status() != lastStatus) {
            out.send("status", Math.max(lastId, step), Map.of("id", id, "status", state.status()));
          }
          for (int c : state.ready()) {
            if (channelsSent.add(c)) {
              out.send("channel", Math.max(lastId, step), channel(c));
            }
          }
          // A batch run again after a crash starts over: the sweep's step is reported again once
          // it passes the furthest one this stream sent, so ids never go back. A batch that ends
          // changes what is done without a new step.
          if (step > lastId || !signature.equals(lastProgress)) {
            lastId = Math.max(lastId, step);
            out.send("progress", lastId, progress(found.get(), state));
          }
        }
        lastStatus = state.status();
        lastProgress = signature;
        if (state.status().isFinal()) {
          out.send("done", lastId, SweepDocument.of(found.get(), state));
          return out.close();
        }
        out.keepAliveIfQuiet();
        return true;
      } catch (RuntimeException e) {
        return out.failed(e);
      }
    }

    private Map<String, Object> channel(int c) {
      return Map.of("channel", c, "image", "/sweeps/" + id + "/channels/" + c + "/image");
    }

    private static Map<String, Object> progress(Sweep sweep, SweepService.State state) {
      return Map.of(
          "channelsDone", state.ready().size(),
          "channelsTotal", sweep.spec().channels().size(),
          "batches", SweepDocument.BatchView.of(state));
    }

    private String statuses(SweepService.State state) {
      StringBuilder b = new StringBuilder();
      for (SweepService.BatchState s : state.batches()) {
        b.append(s.status().ordinal()).append(',');
      }
      return b.toString();
    }
  }
}
