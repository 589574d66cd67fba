package org.lucerna.job;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.lucerna.optvis.param.ParamSpec;

/**
 * Jobs as JSON, for stores that keep them outside the process, and the fingerprint of a request.
 * The objective is written in its structured request form, so a stored job reads like the request
 * it was.
 */
public final class JobJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          // Stored jobs, and so fingerprints, keep the parametrization in the record's own form
          // ("kind": "FOURIER").
          .addMixIn(ParamSpec.class, StoredParam.class)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @JsonSerialize(using = JsonSerializer.None.class)
  @JsonDeserialize(using = JsonDeserializer.None.class)
  private abstract static class StoredParam {}

  private JobJson() {}

  public static byte[] write(Job job) {
    try {
      return MAPPER.writeValueAsBytes(job);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any stored record (a sweep) in the same form as jobs. */
  public static byte[] writeValue(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Job read(byte[] json) {
    try {
      return MAPPER.readValue(json, Job.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SHA-256 of the spec's canonical JSON: equal for requests that render equal images (same model
   * version, objective, height and width, steps, seed, learning rate, snapshots, and start image by
   * its hash).
   */
  public static String fingerprint(JobSpec spec) {
    try {
      return Sha256.hex(MAPPER.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
