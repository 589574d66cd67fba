package org.lucerna.api;

import io.smallrye.common.annotation.Blocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import org.lucerna.job.JobService;
import org.lucerna.job.JobSpec;
import org.lucerna.job.Limits;
import org.lucerna.job.StartImageRef;
import org.lucerna.model.DefaultModel;
import org.lucerna.optvis.LearningRateSchedule;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Optimizer;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.Transforms;

/**
 * Takes render jobs: answers with the queued job (202) once the request is checked against its
 * model, never waiting for the render. The check needs the model loaded, so the first request for a
 * model that is not in memory waits while it loads (and, the first time, is prepared), seconds for
 * a large one; later requests answer in milliseconds. A retry with the same {@code Idempotency-Key}
 * gets the same job back (200).
 */
@Path("/visualize")
@jakarta.inject.Singleton
public class VisualizeResource {
  /** MACO's steps (Xplique's default). */
  static final int MACO_STEPS = 256;

  /** MACO's learning rate, with NAdam (Xplique's default). */
  static final double MACO_LEARNING_RATE = 1.0;

  /**
   * A CPPN's learning rate with Adam: Lucid's CPPN notebook uses 0.005, since every weight moves
   * the whole image; 0.05 makes it noise.
   */
  static final double CPPN_LEARNING_RATE = 0.005;

  private final JobService jobs;
  private final DefaultModel models;
  private final Limits limits;

  /** Shared by every request: the resource is a singleton. */
  private final Semaphore decodes;

  public VisualizeResource(JobService jobs, DefaultModel models, Limits limits) {
    this.jobs = jobs;
    this.models = models;
    this.limits = limits;
    this.decodes = new Semaphore(limits.maxConcurrentDecodes());
  }

  @POST
  @Blocking // validation loads models and decodes pictures: never on the event loop
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response submit(
      @NotNull(message = "a JSON object is required") @Valid VisualizeRequest request,
      @HeaderParam("Idempotency-Key") @Size(max = 200, message = "must be at most {max} characters")
          String key) {
    int size = request.size() == null ? Limits.DEFAULT_SIZE : request.size();
    int height = request.height() == null ? size : request.height();
    int width = request.width() == null ? size : request.width();
    // Only the base64 is read here; the picture is decoded once the request passed every cheap
    // check, in one of a bounded number of decode slots.
    byte[] start =
        request.startImage() == null ? null : StartImageUpload.bytes(request.startImage());
    JobService.Submitted s =
        jobs.submitDecoding(
            normalize(request, height, width, start),
            start == null
                ? null
                : () -> StartImageUpload.decode(start, limits.maxStartImagePixels(), decodes),
            key);
    return Response.status(s.created() ? Response.Status.ACCEPTED : Response.Status.OK)
        .entity(JobDocument.of(s.job(), jobs.queuePosition(s.job())))
        .location(URI.create("/jobs/" + s.job().id()))
        .build();
  }

  /**
   * Fills in the defaults. With {@code "param": {"type": "maco"}}, what the request leaves out is
   * MACO's recipe (Xplique's): 256 steps, the {@code "maco"} transforms, NAdam with learning rate
   * 1. With {@code "param": {"type": "cppn"}}, a learning rate left out is Lucid's for a CPPN, and
   * the redirected ReLU is on unless the request says otherwise.
   */
  private JobSpec normalize(VisualizeRequest r, int height, int width, byte[] startImage) {
    VisualizeRequest.Optimizer o = r.optimizer();
    boolean maco = r.param() != null && r.param().kind() == ParamSpec.Kind.MACO;
    boolean cppn = r.param() != null && r.param().kind() == ParamSpec.Kind.CPPN;
    Optimizer optimizer =
        o == null || o.type() == null
            ? (maco ? Optimizer.NADAM : Optimizer.ADAM)
            : Optimizer.named(o.type());
    return new JobSpec(
        r.model() == null ? models.name() : r.model(),
        r.version() == null ? 0 : r.version(),
        Objective.required(r.objective()),
        height,
        width,
        r.batch() == null ? 1 : r.batch(),
        r.steps() != null ? r.steps() : maco ? MACO_STEPS : Limits.DEFAULT_STEPS,
        // A job without a seed gets one, shown in its document, so that it can be repeated.
        r.seed() == null ? ThreadLocalRandom.current().nextLong(1L << 31) : r.seed(),
        o != null && o.learningRate() != null
            ? o.learningRate()
            : maco ? MACO_LEARNING_RATE : cppn ? CPPN_LEARNING_RATE : Limits.DEFAULT_LEARNING_RATE,
        r.snapshots() == null ? List.of() : r.snapshots(),
        r.param() == null ? ParamSpec.DEFAULT : r.param(),
        r.transforms() != null
            ? r.transforms().specs()
            : maco ? Transforms.maco() : Transforms.standard(),
        r.fit() == null
            ? FitMode.RESIZE
            : FitMode.valueOf(r.fit().toUpperCase(java.util.Locale.ROOT)),
        Boolean.TRUE.equals(r.normalizeGradient()),
        // A CPPN starts uniform gray, where a channel after a ReLU is often zero everywhere and
        // has no gradient: the redirected ReLU lets it wake.
        r.redirectedRelu() != null ? r.redirectedRelu() : cppn,
        r.input(),
        startImage == null ? null : StartImageRef.ofBytes(startImage),
        Boolean.TRUE.equals(r.sharedStart()),
        optimizer,
        // MACO's and the CPPN's recipes keep the constant rate they were made with.
        VisualizeRequest.Optimizer.schedule(
            o, maco || cppn ? LearningRateSchedule.CONSTANT : LearningRateSchedule.DEFAULT));
  }
}
