package org.lucerna.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Reads a Server-Sent Event stream over real HTTP, as a browser's EventSource would. */
public final class SseClient {
  private SseClient() {}

  /** One event as it came: its name, its id and its data. */
  public record Event(String name, String id, String data) {
    public long idNumber() {
      return Long.parseLong(id);
    }
  }

  /** Reads the stream at {@code url} to its end. */
  public static List<Event> readToEnd(String url, String lastEventId) throws Exception {
    return read(url, lastEventId, events -> false);
  }

  /**
   * Reads the stream at {@code url} until {@code enough} holds or the stream ends, then leaves.
   *
   * @param lastEventId sent as {@code Last-Event-ID}, or null for a first connect
   */
  public static List<Event> read(String url, String lastEventId, Predicate<List<Event>> enough)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(120));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode(), url);
    List<Event> events = new ArrayList<>();
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      String name = null;
      String id = null;
      StringBuilder data = new StringBuilder();
      while (!enough.test(events) && it.hasNext()) {
        String line = it.next();
        if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        } else if (line.isEmpty() && name != null) {
          events.add(new Event(name, id, data.toString()));
          name = null;
          data.setLength(0);
        }
      }
    }
    return events;
  }
}
