package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The objective's JSON, read as a request field: each line of {@code objective-corpus.txt} gives
 * what {@code objective-corpus.expected} says, which the hand-written reader before Jackson binding
 * gave (the field and message of each refusal, or the objective written back and described).
 */
class ObjectiveFormatTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Request(Objective objective) {}

  @Test
  void everyLineOfTheCorpusReadsAsBefore() throws IOException {
    List<String> corpus = lines("objective-corpus.txt");
    List<String> expected = lines("objective-corpus.expected");
    assertEquals(expected.size(), corpus.size());
    for (int i = 0; i < corpus.size(); i++) {
      assertEquals(expected.get(i), read(corpus.get(i)), "line " + (i + 1) + ": " + corpus.get(i));
    }
  }

  @Test
  void vectorsHoldUpTo16384ValuesAndWeightsUpTo64Rows() {
    assertEquals("OK", read(direction(16384)).substring(0, 2));
    assertEquals(
        "ERR objective.terms[0] | must be an array of 1 to 16384 numbers, one per channel",
        read(direction(16385)));
    String rows = "[" + String.join(", ", Collections.nCopies(65, "[1]")) + "]";
    assertEquals(
        "ERR objective.terms[0] | must be an array of 1 to 64 rows (one per batch element, or one for all)",
        read(
            "{\"terms\": [{\"kind\": \"weighted_channels\", \"layer\": \"c\", \"weights\": "
                + rows
                + "}]}"));
  }

  private static String direction(int values) {
    return "{\"terms\": [{\"kind\": \"direction\", \"layer\": \"c\", \"vector\": ["
        + String.join(",", Collections.nCopies(values, "1"))
        + "]}]}";
  }

  private static String read(String objectiveJson) {
    try {
      Objective o =
          Objective.required(
              MAPPER
                  .readValue("{\"objective\": " + objectiveJson + "}", Request.class)
                  .objective());
      String written = MAPPER.writeValueAsString(o);
      return "OK "
          + (written.length() > 300 ? written.length() + ":" + written.hashCode() : written)
          + " | "
          + o.describe();
    } catch (SpecFormatException e) {
      return "ERR " + e.field() + " | " + e.getMessage();
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof SpecFormatException f) {
        return "ERR " + f.field() + " | " + f.getMessage();
      }
      throw new AssertionError(e);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = ObjectiveFormatTest.class.getResourceAsStream(resource)) {
      return new ArrayList<>(
          new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    }
  }
}
