package org.lucerna.api;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.lucerna.job.ImageNames;
import org.lucerna.job.Job;
import org.lucerna.job.JobIds;
import org.lucerna.job.JobNotFoundException;
import org.lucerna.job.JobQuery;
import org.lucerna.job.JobService;
import org.lucerna.job.JobSpec;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Limits;
import org.lucerna.optvis.FormatLimits;

/** Jobs: their documents, listing, cancel, delete, and images. */
@Path("/jobs")
public class JobResource {
  /** Seconds a client is asked to wait before polling an unfinished job again. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final JobService jobs;
  private final JobEvents events;

  public JobResource(JobService jobs, JobEvents events) {
    this.jobs = jobs;
    this.events = events;
  }

  /**
   * A page of jobs, newest first unless asked otherwise; {@code next} continues after the last one
   * when there are more.
   */
  public record JobPage(List<JobDocument> jobs, String next) {}

  /**
   * Jobs, newest first ({@code order=oldest} for creation order), filtered by status, model, a
   * layer the objective reads, and the request hash ({@code requestHash} of a job document: jobs
   * that render the same picture).
   */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public JobPage list(
      @QueryParam("status") List<String> status,
      @QueryParam("model") String model,
      @QueryParam("layer") String layer,
      @QueryParam("requestHash") String requestHash,
      @QueryParam("order") @DefaultValue("newest") String order,
      @QueryParam("after") String after,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    if (limit < 1 || limit > Limits.MAX_PAGE) {
      throw invalid("limit", "must be 1 to " + Limits.MAX_PAGE + "; got " + limit);
    }
    if (after != null && !JobIds.isWellFormed(after)) {
      throw invalid("after", "must be a job id");
    }
    if (!order.equals("newest") && !order.equals("oldest")) {
      throw invalid("order", "must be newest or oldest; got '" + order + "'");
    }
    if (requestHash != null && !requestHash.matches("[0-9a-f]{1,128}")) {
      throw invalid("requestHash", "must be the requestHash of a job document (hex digits)");
    }
    if (layer != null && (layer.isBlank() || layer.length() > 512)) {
      throw invalid("layer", "must be a layer name of 1 to 512 characters");
    }
    Set<JobStatus> statuses =
        status.stream()
            .flatMap(s -> List.of(s.split(",")).stream())
            .filter(s -> !s.isBlank())
            .map(JobResource::status)
            .collect(Collectors.toSet());
    List<Job> page =
        jobs.list(
            new JobQuery(
                statuses,
                model,
                layer,
                requestHash,
                null,
                after,
                order.equals("newest"),
                limit + 1));
    boolean more = page.size() > limit;
    List<Job> shown = more ? page.subList(0, limit) : page;
    return new JobPage(
        shown.stream().map(j -> JobDocument.summary(j, jobs.queuePosition(j))).toList(),
        more ? shown.get(shown.size() - 1).id() : null);
  }

  private static JobStatus status(String s) {
    try {
      return JobStatus.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(
          "status", "must be one of " + List.of(JobStatus.values()) + "; got '" + s + "'");
    }
  }

  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response get(@PathParam("id") String id) {
    Job job = find(id);
    Response.ResponseBuilder r = Response.ok(JobDocument.of(job, jobs.queuePosition(job)));
    if (!job.status().isFinal()) {
      r.header("Retry-After", RETRY_AFTER_SECONDS);
    }
    return r.build();
  }

  /** The job's events as Server-Sent Events, until it is done; resumable with Last-Event-ID. */
  @GET
  @Path("/{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void events(
      @PathParam("id") String id,
      @HeaderParam("Last-Event-ID") String lastEventId,
      @Context SseEventSink sink,
      @Context Sse sse) {
    long after = EventStreams.lastEventId(lastEventId);
    events.stream(find(id), after, sink, sse);
  }

  /** Stops a queued job at once and a running one at its next step; a finished job is unchanged. */
  @POST
  @Path("/{id}/cancel")
  @Produces(MediaType.APPLICATION_JSON)
  public Response cancel(@PathParam("id") String id) {
    find(id);
    Job job = jobs.cancel(id);
    return Response.ok(JobDocument.of(job, jobs.queuePosition(job))).build();
  }

  /** Removes a finished job and its images (409 while it is queued or running: cancel it first). */
  @DELETE
  @Path("/{id}")
  public Response delete(@PathParam("id") String id) {
    find(id);
    jobs.delete(id);
    return Response.noContent().build();
  }

  /**
   * The final image of one batch element; with {@code scale} above 1, a CPPN's drawn again that
   * many times larger from its final network (drawn on the first ask, then kept).
   */
  @GET
  @Blocking // a drawing runs TensorFlow: never on the event loop
  @Path("/{id}/image")
  @Produces(PngAnswer.TYPE)
  public Response image(
      @PathParam("id") String id,
      @QueryParam("batch") @DefaultValue("0") int batch,
      @QueryParam("scale") @DefaultValue("1") int scale,
      @HeaderParam("If-None-Match") String ifNoneMatch) {
    if (scale < 1 || scale > FormatLimits.MAX_DRAWING_SCALE) {
      throw unprocessable(
          "scale", "must be 1 to " + FormatLimits.MAX_DRAWING_SCALE + "; got " + scale);
    }
    if (scale == 1) {
      return elementPng(id, batch, ImageNames::finalImage, ifNoneMatch);
    }
    // The scale is checked against the job's request first: a job that cannot be drawn again
    // larger says so at once, finished or not.
    Job job = find(id);
    JobSpec spec = job.spec();
    if (!spec.param().kind().redrawable()) {
      throw unprocessable(
          "scale",
          "only a cppn image can be drawn again larger; job "
              + id
              + " has a "
              + spec.param().kind().name().toLowerCase(Locale.ROOT)
              + " image (use scale 1)");
    }
    if ((long) Math.max(spec.height(), spec.width()) * scale > FormatLimits.MAX_DRAWN_SIDE) {
      throw unprocessable(
          "scale",
          "would draw "
              + spec.width() * scale
              + "×"
              + spec.height() * scale
              + " pixels; a drawing's side is at most "
              + FormatLimits.MAX_DRAWN_SIDE
              + " pixels, so this job's scale is at most "
              + FormatLimits.MAX_DRAWN_SIDE / Math.max(spec.height(), spec.width()));
    }
    finished(job);
    int element = element(job, batch);
    return PngAnswer.immutable(
        jobs.drawn(job, element, scale).orElseThrow(() -> noImage(job)), ifNoneMatch);
  }

  /**
   * The final image of one batch element with its transparency map as alpha (RGBA): opaque where
   * the objective's gradient was large over the render.
   */
  @GET
  @Path("/{id}/alpha")
  @Produces(PngAnswer.TYPE)
  public Response alpha(
      @PathParam("id") String id,
      @QueryParam("batch") @DefaultValue("0") int batch,
      @HeaderParam("If-None-Match") String ifNoneMatch) {
    return elementPng(id, batch, ImageNames::alpha, ifNoneMatch);
  }

  /**
   * The transparency map of one batch element (grayscale): the sum over steps of |∂loss/∂image|,
   * divided by its 99th percentile.
   */
  @GET
  @Path("/{id}/attribution")
  @Produces(PngAnswer.TYPE)
  public Response attribution(
      @PathParam("id") String id,
      @QueryParam("batch") @DefaultValue("0") int batch,
      @HeaderParam("If-None-Match") String ifNoneMatch) {
    return elementPng(id, batch, ImageNames::attribution, ifNoneMatch);
  }

  /** One batch element's image of a finished job, stored under {@code name.apply(element)}. */
  private Response elementPng(String id, int batch, IntFunction<String> name, String ifNoneMatch) {
    Job job = finished(find(id));
    return png(job, name.apply(element(job, batch)), ifNoneMatch);
  }

  /** The final images of the whole batch in one grid. */
  @GET
  @Path("/{id}/grid")
  @Produces(PngAnswer.TYPE)
  public Response grid(
      @PathParam("id") String id, @HeaderParam("If-None-Match") String ifNoneMatch) {
    return png(finished(find(id)), ImageNames.GRID, ifNoneMatch);
  }

  /** The image after {@code step}, one of the request's snapshots, as soon as it is ready. */
  @GET
  @Path("/{id}/snapshots/{step}")
  @Produces(PngAnswer.TYPE)
  public Response snapshot(
      @PathParam("id") String id,
      @PathParam("step") int step,
      @QueryParam("batch") @DefaultValue("0") int batch,
      @HeaderParam("If-None-Match") String ifNoneMatch) {
    Job job = find(id);
    if (!job.spec().snapshots().contains(step)) {
      throw new ProblemException(
          Problem.invalid(
              404,
              "job "
                  + id
                  + " takes snapshots at "
                  + job.spec().snapshots()
                  + "; not at step "
                  + step,
              List.of(new Problem.FieldError("step", "must be one of " + job.spec().snapshots()))),
          null);
    }
    if (!job.progress().snapshots().contains(step)) {
      if (job.status().isFinal()) {
        throw new ProblemException(
            Problem.of(
                404,
                "no-image",
                "No such image",
                "job " + id + " ended " + job.status() + " before step " + step),
            null);
      }
      throw notYet(
          job, "its snapshot at step " + step + " is ready when the render passes that step");
    }
    return png(job, ImageNames.of(step, element(job, batch)), ifNoneMatch);
  }

  private Response png(Job job, String name, String ifNoneMatch) {
    return PngAnswer.immutable(
        jobs.image(job.id(), name).orElseThrow(() -> noImage(job)), ifNoneMatch);
  }

  private static ProblemException noImage(Job job) {
    return new ProblemException(
        Problem.of(
            404,
            "no-image",
            "No such image",
            "job " + job.id() + " ended " + job.status() + " without this image"),
        null);
  }

  private static int element(Job job, int batch) {
    if (batch < 0 || batch >= job.spec().batch()) {
      throw new ProblemException(
          Problem.invalid(
              404,
              "job "
                  + job.id()
                  + " has batch elements 0 to "
                  + (job.spec().batch() - 1)
                  + "; got "
                  + batch,
              List.of(new Problem.FieldError("batch", "must be 0 to " + (job.spec().batch() - 1)))),
          null);
    }
    return batch;
  }

  private static Job finished(Job job) {
    if (!job.status().isFinal()) {
      throw notYet(job, "its image is ready when it is SUCCEEDED");
    }
    return job;
  }

  private static ProblemException notYet(Job job, String what) {
    return new ProblemException(
        Problem.of(
            409,
            "not-finished",
            "The job has not finished",
            "job " + job.id() + " is " + job.status() + "; " + what),
        RETRY_AFTER_SECONDS);
  }

  private Job find(String id) {
    return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
  }

  private static ProblemException unprocessable(String field, String message) {
    return new ProblemException(
        Problem.invalid(
            422, field + " " + message, List.of(new Problem.FieldError(field, message))),
        null);
  }

  private static ProblemException invalid(String field, String message) {
    return new ProblemException(
        Problem.invalid(
            400, field + " " + message, List.of(new Problem.FieldError(field, message))),
        null);
  }
}
