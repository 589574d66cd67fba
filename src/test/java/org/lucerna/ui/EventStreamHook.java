package org.lucerna.ui;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The test-only hook on job event streams that the UI spec asks for (scenario 7): it can cut every
 * open stream at the connection, as a proxy or a flaky network does, and refuse new streams with a
 * 503 problem. It records the {@code Last-Event-ID} each stream request came with. It is a Vert.x
 * filter in the test sources, so the service itself has no such switch; while not armed it only
 * watches.
 */
@ApplicationScoped
public class EventStreamHook {
  private static final Pattern EVENTS = Pattern.compile("/jobs/[^/]+/events");

  private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile boolean refuse;

  void register(@Observes Filters filters) {
    filters.register(this::filter, 100);
  }

  private void filter(RoutingContext rc) {
    if (!EVENTS.matcher(rc.normalizedPath()).matches()) {
      rc.next();
      return;
    }
    String last = rc.request().getHeader("Last-Event-ID");
    requests.add(last == null ? "" : last);
    if (refuse) {
      rc.response()
          .setStatusCode(503)
          .putHeader("Content-Type", "application/problem+json")
          .putHeader("Retry-After", "5")
          .end(
              "{\"type\": \"about:blank\", \"title\": \"Event stream refused\", \"status\": 503,"
                  + " \"detail\": \"refused by the tests' event stream hook\"}");
      return;
    }
    HttpConnection connection = rc.request().connection();
    open.add(connection);
    rc.addEndHandler(done -> open.remove(connection));
    rc.next();
  }

  /** Closes the connection of every open event stream; answers how many it cut. */
  public int cut() {
    int n = 0;
    for (HttpConnection c : open) {
      open.remove(c);
      c.close();
      n++;
    }
    return n;
  }

  /** Whether event stream requests are refused from now on. */
  public void refuse(boolean on) {
    refuse = on;
  }

  /** The Last-Event-ID of each event stream request since the last reset ("" for none). */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Event streams open now. */
  public int openStreams() {
    return open.size();
  }

  public void reset() {
    refuse = false;
    requests.clear();
  }
}
