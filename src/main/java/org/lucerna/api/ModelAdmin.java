package org.lucerna.api;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.lucerna.model.ModelArchive;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelUploadException;
import org.lucerna.model.ModelUploads;
import org.lucerna.model.ModelsConfig;

/**
 * What the requests that change the model repository share: the admin key, the uploads, and the one
 * upload this instance unpacks and prepares at a time (each can take a model's size on disk and a
 * TensorFlow load in memory).
 */
@Singleton
public class ModelAdmin {
  /** The setting named in the answers, as an operator would search for it. */
  static final String KEY_SETTING = "lucerna.admin.api-key (LUCERNA_ADMIN_API_KEY)";

  /** What stops a request, with the headers its answer needs. */
  record Refusal(Problem problem, Map<String, String> headers) {}

  private final Optional<byte[]> keyDigest;
  private final ModelUploads uploads;
  private final ModelsConfig config;
  private final Semaphore uploading = new Semaphore(1);

  public ModelAdmin(AdminConfig admin, ModelsConfig config, ModelRegistry registry) {
    this.keyDigest = admin.apiKey().filter(k -> !k.isBlank()).map(ModelAdmin::digest);
    this.config = config;
    this.uploads =
        new ModelUploads(
            registry, new ModelArchive.Bounds(config.maxUploadFiles(), config.maxUnpackedBytes()));
  }

  void clean(@Observes StartupEvent event) {
    uploads.removeStale(Duration.ofHours(1));
  }

  ModelUploads uploads() {
    return uploads;
  }

  long maxUploadBytes() {
    return config.maxUploadBytes();
  }

  Semaphore uploading() {
    return uploading;
  }

  /**
   * Why a request with this {@code Authorization} header may not change the repository; empty when
   * it may.
   */
  Optional<Refusal> refusal(String authorization) {
    if (keyDigest.isEmpty()) {
      return Optional.of(
          new Refusal(
              Problem.of(
                  403,
                  "uploads-disabled",
                  "Changing the model repository is turned off",
                  "no admin key is configured: set "
                      + KEY_SETTING
                      + " to allow uploads and deletes with Authorization: Bearer <key>"),
              Map.of()));
    }
    String prefix = "Bearer ";
    if (authorization == null
        || authorization.length() <= prefix.length()
        || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return Optional.of(
          unauthorized(
              "send the admin key (" + KEY_SETTING + ") as Authorization: Bearer <key>",
              "Bearer realm=\"lucerna\""));
    }
    byte[] sent = digest(authorization.substring(prefix.length()).trim());
    // Digests of equal length compared in constant time: the answer's timing tells nothing of the
    // key.
    if (!MessageDigest.isEqual(sent, keyDigest.get())) {
      return Optional.of(
          unauthorized(
              "the bearer key is not the admin key (" + KEY_SETTING + ")",
              "Bearer realm=\"lucerna\", error=\"invalid_token\""));
    }
    return Optional.empty();
  }

  private static Refusal unauthorized(String detail, String challenge) {
    return new Refusal(
        Problem.of(401, "unauthorized", "The admin key is missing or wrong", detail),
        Map.of("WWW-Authenticate", challenge));
  }

  /** The answer to a refused upload or delete. */
  static Problem problemOf(ModelException e) {
    if (e instanceof ModelUploadException u) {
      return switch (u.reason()) {
        case UNKNOWN_FORMAT ->
            Problem.of(415, "unsupported-model-format", "Not a model file", e.getMessage());
        case UNSAFE_ARCHIVE ->
            Problem.invalid(
                422, e.getMessage(), List.of(new Problem.FieldError("body", e.getMessage())));
        case TOO_LARGE ->
            Problem.invalid(
                422, e.getMessage(), List.of(new Problem.FieldError("body", e.getMessage())));
        case NO_MODEL ->
            Problem.of(
                422, "model-not-found-in-upload", "The upload holds no model", e.getMessage());
        case EXISTS ->
            Problem.of(409, "model-version-exists", "The version exists", e.getMessage());
      };
    }
    if (e instanceof ModelException.NotFound) {
      return Problem.of(404, "model-not-found", "No such model or version", e.getMessage());
    }
    if (e instanceof ModelException.InvalidName) {
      return Problem.invalid(
          400, e.getMessage(), List.of(new Problem.FieldError("name", e.getMessage())));
    }
    if (e instanceof ModelException.Forbidden) {
      return Problem.of(422, "model-forbidden", "The model uses forbidden ops", e.getMessage());
    }
    return Problem.of(422, "model-unusable", "The model cannot be used", e.getMessage());
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
