package org.lucerna.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
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
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.lucerna.job.JobSpec;
import org.lucerna.job.Limits;
import org.lucerna.job.Sweep;
import org.lucerna.job.SweepService;
import org.lucerna.job.SweepSpec;
import org.lucerna.model.DefaultModel;
import org.lucerna.optvis.LearningRateSchedule;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.TransformList;

/**
 * Sweeps: every channel of a layer (or a range, or a list) rendered with one recipe, in batch jobs
 * that the queue and workers run like any job. Answers at once with the sweep (202); channels an
 * earlier render has are served from it.
 */
@Path("/sweeps")
public class SweepResource {
  private final SweepService sweeps;
  private final SweepEvents events;
  private final DefaultModel models;

  public SweepResource(SweepService sweeps, SweepEvents events, DefaultModel models) {
    this.sweeps = sweeps;
    this.events = events;
    this.models = models;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response submit(
      @NotNull(message = "a JSON object is required") @Valid SweepRequest request) {
    List<Integer> channels = request.channelList();
    Sweep sweep = sweeps.submit(normalize(request), channels);
    return Response.accepted(document(sweep)).location(URI.create("/sweeps/" + sweep.id())).build();
  }

  private SweepSpec normalize(SweepRequest r) {
    int size = r.size() == null ? Limits.DEFAULT_SIZE : r.size();
    SweepSpec.Kind kind =
        r.kind() == null ? SweepSpec.Kind.CHANNEL : SweepSpec.Kind.parse(r.kind());
    VisualizeRequest.Optimizer o = r.optimizer();
    JobSpec render =
        new JobSpec(
            r.model() == null ? models.name() : r.model(),
            r.version() == null ? 0 : r.version(),
            null,
            r.height() == null ? size : r.height(),
            r.width() == null ? size : r.width(),
            1,
            r.steps() == null ? Limits.DEFAULT_STEPS : r.steps(),
            // Not random as a job's: the same sweep twice is the same recipe, and is served at
            // once.
            r.seed() == null ? 0 : r.seed(),
            o == null || o.learningRate() == null ? Limits.DEFAULT_LEARNING_RATE : o.learningRate(),
            List.of(),
            r.param() == null ? ParamSpec.DEFAULT : r.param(),
            (r.transforms() == null ? TransformList.standard() : r.transforms()).specs(),
            r.fit() == null ? FitMode.RESIZE : FitMode.valueOf(r.fit().toUpperCase(Locale.ROOT)),
            Boolean.TRUE.equals(r.normalizeGradient()),
            Boolean.TRUE.equals(r.redirectedRelu()),
            r.input(),
            null,
            false,
            org.lucerna.optvis.Optimizer.ADAM,
            VisualizeRequest.Optimizer.schedule(o, LearningRateSchedule.DEFAULT));
    return new SweepSpec(r.layer(), kind, List.of(), render);
  }

  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response get(@PathParam("id") String id) {
    Sweep sweep = find(id);
    SweepDocument doc = document(sweep);
    Response.ResponseBuilder r = Response.ok(doc);
    if (!doc.status().isFinal()) {
      r.header("Retry-After", JobResource.RETRY_AFTER_SECONDS);
    }
    return r.build();
  }

  /** The sweep's events as Server-Sent Events, until it is done. */
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

  /** One channel's image, once its batch has finished. */
  @GET
  @Path("/{id}/channels/{channel}/image")
  @Produces(PngAnswer.TYPE)
  public Response channelImage(
      @PathParam("id") String id,
      @PathParam("channel") int channel,
      @HeaderParam("If-None-Match") String ifNoneMatch) {
    Sweep sweep = find(id);
    if (!sweep.spec().channels().contains(channel)) {
      throw new ProblemException(
          Problem.invalid(
              404,
              "sweep " + id + " does not render channel " + channel,
              List.of(new Problem.FieldError("channel", "must be one of the sweep's channels"))),
          null);
    }
    byte[] png =
        sweeps
            .image(sweep, channel)
            .orElseThrow(
                () -> {
                  SweepService.State state = sweeps.state(sweep);
                  return state.status().isFinal()
                      ? new ProblemException(
                          Problem.of(
                              404,
                              "no-image",
                              "No such image",
                              "sweep "
                                  + id
                                  + " ended "
                                  + state.status()
                                  + " without channel "
                                  + channel),
                          null)
                      : new ProblemException(
                          Problem.of(
                              409,
                              "not-finished",
                              "The channel is not rendered yet",
                              "sweep "
                                  + id
                                  + " is "
                                  + state.status()
                                  + "; channel "
                                  + channel
                                  + "'s image is ready when its batch has SUCCEEDED"),
                          JobResource.RETRY_AFTER_SECONDS);
                });
    return PngAnswer.immutable(png, ifNoneMatch);
  }

  /** A contact sheet of 64 channels, the k-th page; channels not rendered yet are grey. */
  @GET
  @Path("/{id}/sheet")
  @Produces(PngAnswer.TYPE)
  public Response sheet(
      @PathParam("id") String id, @QueryParam("page") @DefaultValue("0") int page) {
    Sweep sweep = find(id);
    List<Integer> channels = sweep.spec().channels();
    int pages = (channels.size() + SweepDocument.PAGE - 1) / SweepDocument.PAGE;
    if (page < 0 || page >= pages) {
      throw new ProblemException(
          Problem.invalid(
              404,
              "sweep " + id + " has pages 0 to " + (pages - 1) + "; got " + page,
              List.of(new Problem.FieldError("page", "must be 0 to " + (pages - 1)))),
          null);
    }
    List<Integer> shown =
        channels.subList(
            page * SweepDocument.PAGE, Math.min(channels.size(), (page + 1) * SweepDocument.PAGE));
    JobSpec r = sweep.spec().render();
    byte[] png = ContactSheet.draw(shown, r.height(), r.width(), c -> sweeps.image(sweep, c));
    return PngAnswer.changing(png); // it fills in while the sweep runs
  }

  /** Cancels its batch jobs: queued ones at once, a running one at its next step. */
  @POST
  @Path("/{id}/cancel")
  @Produces(MediaType.APPLICATION_JSON)
  public SweepDocument cancel(@PathParam("id") String id) {
    Sweep sweep = find(id);
    sweeps.cancel(sweep);
    return document(sweep);
  }

  /** Removes a finished sweep, its batch jobs and images (409 while it runs: cancel it first). */
  @DELETE
  @Path("/{id}")
  public Response delete(@PathParam("id") String id) {
    Sweep sweep = find(id);
    if (!sweeps.delete(sweep)) {
      throw new ProblemException(
          Problem.of(
              409,
              "not-finished",
              "The sweep has not finished",
              "sweep " + id + " is " + sweeps.state(sweep).status() + "; cancel it first, or wait"),
          JobResource.RETRY_AFTER_SECONDS);
    }
    return Response.noContent().build();
  }

  private SweepDocument document(Sweep sweep) {
    return SweepDocument.of(sweep, sweeps.state(sweep));
  }

  private Sweep find(String id) {
    return sweeps
        .find(id)
        .orElseThrow(
            () ->
                new ProblemException(
                    Problem.of(404, "sweep-not-found", "No such sweep", "no sweep " + id), null));
  }
}
