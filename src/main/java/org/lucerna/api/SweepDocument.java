package org.lucerna.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lucerna.job.JobSpec;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Sweep;
import org.lucerna.job.SweepService;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.TransformList;

/**
 * A sweep as clients see it: the request with every default filled in (it can be submitted again as
 * it is), where it stands, its batch jobs and links.
 *
 * @param ready the channels whose images are ready, ascending
 * @param reused the channels taken from an earlier render, each with where from ({@code job:<id>}
 *     or {@code sweep:<id>})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SweepDocument(
    String id,
    JobStatus status,
    RequestView request,
    int channelsTotal,
    int channelsDone,
    List<Integer> ready,
    Map<Integer, String> reused,
    List<BatchView> batches,
    int pages,
    Instant createdAt,
    Problem error,
    Map<String, String> links) {

  /** Channels on one contact sheet page: the page's grid of 8 by 8, as the page's grid shows. */
  static final int PAGE = 64;

  /** One batch job as it stands; its progress without the objective curve (see the job's). */
  public record BatchView(
      String job, List<Integer> channels, JobStatus status, ProgressView progress) {

    static List<BatchView> of(SweepService.State state) {
      return state.batches().stream()
          .map(
              b ->
                  new BatchView(
                      b.job(), b.channels(), b.status(), ProgressView.withoutCurve(b.progress())))
          .toList();
    }
  }

  public record RequestView(
      String model,
      long version,
      String layer,
      List<Integer> channels,
      String kind,
      int height,
      int width,
      int steps,
      long seed,
      JobDocument.Optimizer optimizer,
      ParamSpec param,
      TransformList transforms,
      String fit,
      boolean normalizeGradient,
      boolean redirectedRelu,
      JobDocument.InputView input) {}

  static SweepDocument of(Sweep sweep, SweepService.State state) {
    JobSpec r = sweep.spec().render();
    String self = "/sweeps/" + sweep.id();
    Map<String, String> links = new LinkedHashMap<>();
    links.put("self", self);
    links.put("events", self + "/events");
    links.put("sheet", self + "/sheet?page=0");
    links.put("channelImage", self + "/channels/{channel}/image");
    if (!state.status().isFinal()) {
      links.put("cancel", self + "/cancel");
    }
    int total = sweep.spec().channels().size();
    return new SweepDocument(
        sweep.id(),
        state.status(),
        new RequestView(
            r.model(),
            r.version(),
            sweep.spec().layer(),
            sweep.spec().channels(),
            sweep.spec().kind().name().toLowerCase(java.util.Locale.ROOT),
            r.height(),
            r.width(),
            r.steps(),
            r.seed(),
            new JobDocument.Optimizer("adam", r.learningRate(), r.schedule()),
            r.param(),
            new TransformList(r.transforms()),
            r.fit().name().toLowerCase(java.util.Locale.ROOT),
            r.normalizeGradient(),
            r.redirectedRelu(),
            JobDocument.InputView.of(r.input())),
        total,
        state.ready().size(),
        state.ready(),
        sweep.reused(),
        BatchView.of(state),
        (total + PAGE - 1) / PAGE,
        sweep.created(),
        state.error() == null
            ? null
            : Problem.of(500, "sweep-failed", "A batch of the sweep failed", state.error()),
        links);
  }
}
