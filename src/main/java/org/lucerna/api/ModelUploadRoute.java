package org.lucerna.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelUploads;

/**
 * {@code PUT /models/{name}/versions/{version}}: a model's files as the body, streamed to disk and
 * never held in memory, then unpacked, checked and moved into the repository ({@link
 * ModelUploads}).
 *
 * <p>A Vert.x route and not a JAX-RS method, because a model is larger than any JSON request: the
 * route runs before Quarkus' own body-size check ({@code quarkus.http.limits.max-body-size}, which
 * stays the bound of every other request) and applies {@code lucerna.models.max-upload-bytes}
 * instead. Everything that can refuse the upload without its body (the key, the name, a version
 * that exists, a declared length over the bound, another upload in progress) does so before the
 * body is read; a client that sent {@code Expect: 100-continue} then never sends it.
 */
@Singleton
public class ModelUploadRoute {
  private static final Logger LOG = Logger.getLogger(ModelUploadRoute.class);

  /** Before Quarkus' body-size check. */
  static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

  static final String PATH = "/models/:name/versions/:version";

  /** The answer to a successful upload. */
  public record UploadDocument(
      String name,
      long version,
      String format,
      String archive,
      int files,
      long unpackedBytes,
      ModelDocuments.InputDocument input,
      int layers,
      Map<String, String> links) {}

  private final ModelAdmin admin;
  private final ObjectMapper json;
  // Unpacking, importing and preparing block; one at a time (ModelAdmin#uploading), off the event
  // loop.
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "model-upload");
            t.setDaemon(true);
            return t;
          });

  public ModelUploadRoute(ModelAdmin admin, ObjectMapper json) {
    this.admin = admin;
    this.json = json;
  }

  void routes(@Observes Router router) {
    router.put(PATH).order(ORDER).handler(this::put);
  }

  void put(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // Nothing of the body is read until the cheap checks have passed.
    request.pause();
    Optional<ModelAdmin.Refusal> refused =
        admin.refusal(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (refused.isPresent()) {
      refuse(ctx, refused.get().problem(), refused.get().headers());
      return;
    }
    String name = ctx.pathParam("name");
    long version;
    try {
      version = Long.parseLong(ctx.pathParam("version"));
    } catch (NumberFormatException e) {
      version = 0;
    }
    if (version < 1 || version > ModelUploads.MAX_VERSION) {
      String message =
          "'"
              + ctx.pathParam("version")
              + "' is not a version: a whole number from 1 to "
              + ModelUploads.MAX_VERSION;
      refuse(
          ctx,
          Problem.invalid(400, message, List.of(new Problem.FieldError("version", message))),
          Map.of());
      return;
    }
    try {
      admin.uploads().checkFree(name, version);
    } catch (ModelException e) {
      refuse(ctx, ModelAdmin.problemOf(e), Map.of());
      return;
    }
    long max = admin.maxUploadBytes();
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parseOr(length, -1) > max) {
      respond(ctx, tooLarge(parseOr(length, -1) + " bytes", max), Map.of(), true);
      return;
    }
    if (!admin.uploading().tryAcquire()) {
      refuse(
          ctx,
          Problem.of(
              503,
              "busy",
              "Another upload is in progress",
              "this instance unpacks and checks one upload at a time; retry later"),
          Map.of("Retry-After", "5"));
      return;
    }
    ModelUploads.Staging staging;
    try {
      staging = admin.uploads().stage();
    } catch (RuntimeException e) {
      admin.uploading().release();
      LOG.error("cannot stage an upload", e);
      respond(ctx, internal("cannot make a folder for the upload"), Map.of(), true);
      return;
    }
    if (expectsContinue(request)) {
      request.response().writeContinue();
    }
    receive(ctx, new Upload(staging, name, version, max));
  }

  /** One upload in flight; {@link #finish} runs once, whichever way it ends. */
  private final class Upload {
    final ModelUploads.Staging staging;
    final String name;
    final long version;
    final long max;
    final AtomicBoolean finished = new AtomicBoolean();
    long received;

    Upload(ModelUploads.Staging staging, String name, long version, long max) {
      this.staging = staging;
      this.name = name;
      this.version = version;
      this.max = max;
    }

    boolean finish() {
      if (!finished.compareAndSet(false, true)) {
        return false;
      }
      staging.close();
      admin.uploading().release();
      return true;
    }
  }

  private void receive(RoutingContext ctx, Upload upload) {
    HttpServerRequest request = ctx.request();
    Vertx vertx = ctx.vertx();
    vertx
        .fileSystem()
        .open(upload.staging.body().toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .onFailure(
            e -> {
              LOG.error("cannot write an upload", e);
              if (upload.finish()) {
                respond(ctx, internal("cannot write the upload"), Map.of(), true);
              }
            })
        .onSuccess(file -> stream(ctx, request, file, upload));
  }

  private void stream(
      RoutingContext ctx, HttpServerRequest request, AsyncFile file, Upload upload) {
    AtomicBoolean cut = new AtomicBoolean();
    file.exceptionHandler(
        e -> {
          LOG.error("cannot write an upload", e);
          if (cut.compareAndSet(false, true) && upload.finish()) {
            file.close();
            respond(ctx, internal("cannot write the upload"), Map.of(), true);
          }
        });
    request.handler(
        buffer -> {
          if (cut.get()) {
            return;
          }
          upload.received += buffer.length();
          if (upload.received > upload.max) {
            // A body without a declared length, cut where it passes the bound.
            cut.set(true);
            file.close();
            if (upload.finish()) {
              respond(
                  ctx, tooLarge("more than " + upload.max + " bytes", upload.max), Map.of(), true);
            }
            return;
          }
          file.write(buffer);
          if (file.writeQueueFull()) {
            request.pause();
            file.drainHandler(v -> request.resume());
          }
        });
    request.exceptionHandler(
        e -> {
          // The client went away: nothing of the upload stays.
          if (cut.compareAndSet(false, true)) {
            file.close();
            upload.finish();
          }
        });
    request.endHandler(
        v -> {
          if (cut.get()) {
            return;
          }
          file.close()
              .onComplete(
                  closed -> {
                    if (closed.failed()) {
                      if (upload.finish()) {
                        respond(ctx, internal("cannot write the upload"), Map.of(), true);
                      }
                      return;
                    }
                    worker.execute(() -> install(ctx, upload));
                  });
        });
    request.resume();
  }

  private void install(RoutingContext ctx, Upload upload) {
    // The staging folder is removed before the answer leaves: a client that has the answer finds
    // nothing of its upload left behind.
    Runnable answer;
    try {
      ModelUploads.Installed installed =
          admin.uploads().install(upload.staging, upload.name, upload.version);
      String self = "/models/" + upload.name + "?version=" + upload.version;
      UploadDocument document =
          new UploadDocument(
              upload.name,
              upload.version,
              installed.format(),
              installed.unpacked().kind().label(),
              installed.unpacked().files(),
              installed.unpacked().bytes(),
              ModelDocuments.InputDocument.of(installed.model()),
              installed.model().layers().all().size(),
              Map.of(
                  "self",
                  self,
                  "layers",
                  "/models/" + upload.name + "/layers?version=" + upload.version,
                  "delete",
                  "/models/" + upload.name + "/versions/" + upload.version));
      answer = () -> write(ctx, 201, "application/json", document, Map.of("Location", self), false);
    } catch (ModelException e) {
      LOG.infof("upload of %s@%d refused: %s", upload.name, upload.version, e.getMessage());
      Problem refused = ModelAdmin.problemOf(e);
      answer = () -> respond(ctx, refused, Map.of(), false);
    } catch (RuntimeException e) {
      LOG.errorf(e, "upload of %s@%d failed", upload.name, upload.version);
      Problem failed = internal("the upload failed; the service log has the cause");
      answer = () -> respond(ctx, failed, Map.of(), false);
    } finally {
      upload.finish();
    }
    answer.run();
  }

  /**
   * Answers before the body was read. A client that waits for 100-continue sends none, so the
   * answer is all; from any other the body is read and dropped first (up to the bound), so that it
   * reads the answer and not a reset connection.
   */
  private void refuse(RoutingContext ctx, Problem problem, Map<String, String> headers) {
    HttpServerRequest request = ctx.request();
    if (expectsContinue(request) || request.isEnded()) {
      respond(ctx, problem, headers, expectsContinue(request));
      return;
    }
    long max = admin.maxUploadBytes();
    long[] dropped = {0};
    AtomicBoolean answered = new AtomicBoolean();
    request.handler(
        buffer -> {
          dropped[0] += buffer.length();
          if (dropped[0] > max && answered.compareAndSet(false, true)) {
            respond(ctx, problem, headers, true);
          }
        });
    request.endHandler(
        v -> {
          if (answered.compareAndSet(false, true)) {
            respond(ctx, problem, headers, false);
          }
        });
    request.exceptionHandler(e -> answered.set(true));
    request.resume();
  }

  private void respond(
      RoutingContext ctx, Problem problem, Map<String, String> headers, boolean close) {
    write(ctx, problem.status(), Problem.MEDIA_TYPE, problem, headers, close);
  }

  private void write(
      RoutingContext ctx,
      int status,
      String type,
      Object body,
      Map<String, String> headers,
      boolean close) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, type);
    headers.forEach(response::putHeader);
    boolean closeConnection = close && ctx.request().version() != HttpVersion.HTTP_2;
    if (closeConnection) {
      // The rest of the body will not be read: the connection cannot carry another request.
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response
        .end(Buffer.buffer(bytes))
        .onComplete(
            done -> {
              if (closeConnection) {
                ctx.request().connection().close();
              }
            });
  }

  private static Problem tooLarge(String what, long max) {
    String message =
        "the upload has "
            + what
            + "; at most "
            + max
            + " are accepted (lucerna.models.max-upload-bytes)";
    return Problem.invalid(
        413, message, List.of(new Problem.FieldError("body", "must be at most " + max + " bytes")));
  }

  private static Problem internal(String detail) {
    return Problem.of(500, "internal", "The upload could not be stored", detail);
  }

  private static boolean expectsContinue(HttpServerRequest request) {
    return "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
  }

  private static long parseOr(String text, long otherwise) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
