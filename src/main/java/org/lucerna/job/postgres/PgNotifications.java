package org.lucerna.job.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.lucerna.job.JobStatus;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wake-ups from the database: one connection per instance that {@code LISTEN}s on {@code
 * lucerna_job} (a job changed: its id, version and state) and {@code lucerna_queue} (a job became
 * QUEUED). A notification is a hint, never the data: listeners re-read the row, and since
 * notifications sent while the connection is down are lost, {@link #onConnected} listeners poll
 * what they watch each time the connection is (re)made, and callers keep a poll as the floor.
 */
public final class PgNotifications implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PgNotifications.class);
  static final String JOB_CHANNEL = "lucerna_job";
  static final String QUEUE_CHANNEL = "lucerna_queue";

  /** A job changed: its version after the change and its state then. */
  public record JobChange(String jobId, long version, JobStatus state) {}

  private final DataSource db;
  private final Duration retry;
  private final List<Consumer<JobChange>> jobListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> queueListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
  private final Object queueSignal = new Object();
  private long queueGeneration;
  private volatile boolean closed;
  private volatile boolean connected;
  private Thread thread;

  /**
   * @param retry the pause before connecting again after the connection failed
   */
  public PgNotifications(DataSource db, Duration retry) {
    this.db = db;
    this.retry = retry;
  }

  public PgNotifications onJobChange(Consumer<JobChange> listener) {
    jobListeners.add(listener);
    return this;
  }

  public PgNotifications onQueued(Runnable listener) {
    queueListeners.add(listener);
    return this;
  }

  /**
   * Called on the listener thread each time LISTEN is in place again: poll what may have been
   * missed.
   */
  public PgNotifications onConnected(Runnable listener) {
    connectedListeners.add(listener);
    return this;
  }

  public synchronized PgNotifications start() {
    if (thread == null) {
      thread = new Thread(this::loop, "lucerna-pg-listen");
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  /** Whether LISTEN is in place now (for health and tests). */
  public boolean connected() {
    return connected;
  }

  /**
   * A count of queue wake-ups so far: read it before a claim that may find nothing, and pass it to
   * {@link #awaitQueued(long, Duration)}, so that a job queued between the claim and the wait is
   * not missed.
   */
  public long queueSignals() {
    synchronized (queueSignal) {
      return queueGeneration;
    }
  }

  /**
   * Waits until a job became QUEUED (anywhere) after {@link #queueSignals()} answered {@code seen},
   * or {@code timeout} passes, whichever is first: an idle worker's sleep between claims. True if
   * woken.
   */
  public boolean awaitQueued(long seen, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (queueSignal) {
      while (queueGeneration == seen) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(queueSignal, left);
      }
      return true;
    }
  }

  private void loop() {
    while (!closed) {
      Connection c = null;
      try {
        c = db.getConnection();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + JOB_CHANNEL);
          s.execute("LISTEN " + QUEUE_CHANNEL);
        }
        connected = true;
        connectedListeners.forEach(PgNotifications::safely);
        wakeQueue(); // a job may have been queued while nobody listened
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] batch = pg.getNotifications(500);
          if (batch != null) {
            for (PGNotification n : batch) {
              dispatch(n);
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.warnf(
              "LISTEN connection lost (%s); connecting again in %d ms",
              e.getMessage(), retry.toMillis());
        }
        // A broken connection must not go back to a pool, where the next borrower (this loop) would
        // get
        // it again: abort makes a pool (Agroal) destroy it instead.
        abort(c);
        c = null;
      } finally {
        connected = false;
        close(c);
      }
      if (!closed) {
        try {
          Thread.sleep(retry.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private static void abort(Connection c) {
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // it is being thrown away
      }
      close(c);
    }
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException ignored) {
        // nothing more to do with it
      }
    }
  }

  private void dispatch(PGNotification n) {
    if (QUEUE_CHANNEL.equals(n.getName())) {
      wakeQueue();
      queueListeners.forEach(PgNotifications::safely);
    } else if (JOB_CHANNEL.equals(n.getName())) {
      String[] parts = n.getParameter().split(" ");
      if (parts.length != 3) {
        LOG.warnf("unexpected %s payload: %s", JOB_CHANNEL, n.getParameter());
        return;
      }
      JobChange change =
          new JobChange(parts[0], Long.parseLong(parts[1]), JobStatus.valueOf(parts[2]));
      for (Consumer<JobChange> l : jobListeners) {
        try {
          l.accept(change);
        } catch (RuntimeException e) {
          LOG.errorf(e, "a job change listener failed on %s", change);
        }
      }
    }
  }

  private void wakeQueue() {
    synchronized (queueSignal) {
      queueGeneration++;
      queueSignal.notifyAll();
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("a notification listener failed", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
