package org.lucerna.api;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;
import org.lucerna.job.Limits;

/**
 * The Server-Sent Event streams of this instance, jobs' and sweeps' alike: each follows what it
 * streams by reading the store every {@value #POLL_MS} ms on one timer thread (so a stream works
 * whichever instance does the work), and at most {@code lucerna.limits.max-event-streams} are open
 * at once.
 */
@ApplicationScoped
public class EventStreams {
  private static final Logger LOG = Logger.getLogger(EventStreams.class);
  static final long POLL_MS = 200;
  static final long KEEP_ALIVE_MS = 15_000;

  /** Seconds a client refused for too many open streams is asked to wait. */
  static final String RETRY_AFTER_SECONDS = "5";

  /** One stream's state between polls. */
  interface Poll {
    /** Sends what changed since the last poll; false once the stream has ended. */
    boolean tick();
  }

  private final int maxStreams;
  private final AtomicInteger open = new AtomicInteger();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lucerna-events");
            t.setDaemon(true);
            return t;
          });

  public EventStreams(Limits limits) {
    this.maxStreams = limits.maxEventStreams();
  }

  void stop(@Observes ShutdownEvent event) {
    timer.shutdownNow();
  }

  /**
   * The number in a {@code Last-Event-ID} header: 0 when there is none.
   *
   * @throws ProblemException 400 naming the header when it is not a whole number
   */
  static long lastEventId(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw new ProblemException(
          Problem.invalid(
              400,
              "Last-Event-ID must be an event id this stream sent",
              List.of(new Problem.FieldError("Last-Event-ID", "must be a whole number"))),
          null);
    }
  }

  /**
   * Polls {@code poll} until its stream ends. Its first poll runs on the caller's thread: the first
   * send writes the response head, and a timer thread that sent at the same moment would write it a
   * second time.
   *
   * @param instead where a client refused for too many streams can look instead, for the message
   * @throws ProblemException 503 with Retry-After when the most streams are open already
   */
  void open(Sender sender, Poll poll, String instead) {
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
                  + " (lucerna.limits.max-event-streams); retry later, or poll "
                  + instead),
          RETRY_AFTER_SECONDS);
    }
    AtomicBoolean ended = new AtomicBoolean();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable tick =
        () -> {
          if (ended.get()) {
            return;
          }
          if (!poll.tick() && ended.compareAndSet(false, true)) {
            open.decrementAndGet(); // once per stream, however often this runs after its end
            ScheduledFuture<?> f = task.get();
            if (f != null) {
              f.cancel(false);
            }
          }
        };
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
      sender.close();
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

  /** Writes one stream's events, and a keep-alive comment when it has been quiet a while. */
  static final class Sender {
    private final SseEventSink sink;
    private final Sse sse;
    private final String what;
    private long lastSent = System.currentTimeMillis();

    /**
     * @param what the stream's subject, for the log
     */
    Sender(SseEventSink sink, Sse sse, String what) {
      this.sink = sink;
      this.sse = sse;
      this.what = what;
    }

    boolean closed() {
      return sink.isClosed();
    }

    void send(String name, long id, Object data) {
      sink.send(
          sse.newEventBuilder()
              .name(name)
              .id(Long.toString(id))
              .mediaType(MediaType.APPLICATION_JSON_TYPE)
              .data(data)
              .build());
      lastSent = System.currentTimeMillis();
    }

    void keepAliveIfQuiet() {
      if (System.currentTimeMillis() - lastSent > KEEP_ALIVE_MS) {
        sink.send(sse.newEventBuilder().comment("keep-alive").build());
        lastSent = System.currentTimeMillis();
      }
    }

    /** Ends the stream; false, for a poll to return. */
    boolean close() {
      sink.close();
      return false;
    }

    /** Ends a stream whose poll failed, so that one bad stream never stops the timer. */
    boolean failed(RuntimeException e) {
      LOG.warnf(e, "event stream of %s ended by an error", what);
      return close();
    }
  }
}
