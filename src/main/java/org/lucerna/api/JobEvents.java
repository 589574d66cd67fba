package org.lucerna.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.lucerna.job.Job;
import org.lucerna.job.JobService;
import org.lucerna.job.JobStatus;

/**
 * Server-Sent Events for one job: {@code status}, {@code progress} (the job's progress, its
 * objective curve so far included), {@code snapshot} and a final {@code done}, after which the
 * stream ends. Events follow the stored job (see {@link EventStreams}), so a stream works whichever
 * instance runs the job. Every connect starts with the current state (a {@code status} event, and
 * {@code done} for a finished job). Each event's id is a step: the furthest step of the job this
 * stream has reported, so ids never go back and a {@code progress} event's id is its step. A client
 * that reconnects with {@code Last-Event-ID} gets no progress at or before that step again.
 */
@ApplicationScoped
public class JobEvents {
  private final JobService jobs;
  private final EventStreams streams;

  public JobEvents(JobService jobs, EventStreams streams) {
    this.jobs = jobs;
    this.streams = streams;
  }

  /**
   * Streams the events of {@code job} into {@code sink} until it is done or the client leaves.
   *
   * @throws ProblemException 503 with Retry-After when {@code lucerna.limits.max-event-streams}
   *     streams are open already
   */
  void stream(Job job, long lastEventId, SseEventSink sink, Sse sse) {
    EventStreams.Sender sender = new EventStreams.Sender(sink, sse, "job " + job.id());
    streams.open(sender, new Stream(job.id(), lastEventId, sender), "GET /jobs/" + job.id());
  }

  private final class Stream implements EventStreams.Poll {
    private final String id;
    private final EventStreams.Sender out;

    /** The Last-Event-ID the client resumed from, or 0 on a first connect. */
    private final long resumedFrom;

    /** The id of the last event sent: the furthest step this stream has reported. */
    private long lastId;

    private boolean connected;
    private long lastVersion = -1;
    private JobStatus lastStatus;
    private final Set<Integer> snapshotsSent = new HashSet<>();

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
        Optional<Job> found = jobs.find(id);
        if (found.isEmpty()) {
          out.send("done", lastId, Map.of("id", id, "deleted", true));
          return out.close();
        }
        Job job = found.get();
        int step = job.progress().step();
        if (!connected) {
          // The current state on every connect, resumed or not: a client that reconnects knows
          // where the job stands even if nothing changes for a while.
          connected = true;
          lastId = Math.max(lastId, step);
          out.send("status", lastId, Map.of("id", id, "status", job.status()));
          lastStatus = job.status();
          if (step > resumedFrom && step > 0) {
            out.send("progress", lastId, ProgressView.of(job.progress()));
          }
          for (int s : job.progress().snapshots()) {
            snapshotsSent.add(s);
            // A snapshot recorded at the step the client saw last may have come after that
            // step's progress event: send it again (the page ignores one it has).
            if (s >= resumedFrom) {
              out.send("snapshot", lastId, snapshot(s));
            }
          }
          lastVersion = job.version();
        } else if (job.version() != lastVersion) {
          if (job.status() != lastStatus) {
            // The id of the step it happened at; lastId moves with the progress event below.
            out.send("status", Math.max(lastId, step), Map.of("id", id, "status", job.status()));
            lastStatus = job.status();
          }
          // A job run again after a crash starts over at step 0; its steps are reported again
          // once they pass the furthest one this stream sent, so ids never go back.
          if (step > lastId) {
            lastId = step;
            out.send("progress", lastId, ProgressView.of(job.progress()));
          }
          for (int s : job.progress().snapshots()) {
            if (snapshotsSent.add(s)) {
              out.send("snapshot", lastId, snapshot(s));
            }
          }
          lastVersion = job.version();
        } else if (!job.status().isFinal()) {
          out.keepAliveIfQuiet();
        }
        if (job.status().isFinal()) {
          out.send("done", lastId, JobDocument.of(job, OptionalLong.empty()));
          return out.close();
        }
        return true;
      } catch (RuntimeException e) {
        return out.failed(e);
      }
    }

    private Map<String, Object> snapshot(int step) {
      return Map.of("step", step, "image", "/jobs/" + id + "/snapshots/" + step);
    }
  }
}
