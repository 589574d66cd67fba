package org.lucerna.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.lucerna.job.Job;
import org.lucerna.job.JobSpec;
import org.lucerna.job.JobStatus;
import org.lucerna.job.StartImageRef;
import org.lucerna.model.MetadataOverride;
import org.lucerna.model.ModelMetadata;
import org.lucerna.optvis.LearningRateSchedule;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.TransformList;

/**
 * A job as clients see it: the normalized request, where it stands, and links to what it offers.
 * {@code attempts} counts the times a worker started it (a job the service stopped under it is
 * started again, up to {@code lucerna.jobs.max-attempts} times). {@code requestHash} identifies the
 * normalized request on its model version: jobs with equal hashes render the same picture, and
 * {@code GET /jobs?requestHash=} finds them. {@code progress.curve} is the objective curve ({@link
 * ProgressView}), left out of listings ({@link #summary}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDocument(
    String id,
    JobStatus status,
    RequestView request,
    ProgressView progress,
    Long queuePosition,
    Boolean cancelRequested,
    int attempts,
    String reusedFrom,
    String requestHash,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Problem error,
    Map<String, String> links) {

  /**
   * The request with every default filled in; it can be submitted again as it is, except a start
   * image, shown by its hash ({@code {"sha256": "…"}}): send the picture again.
   */
  public record RequestView(
      String model,
      long version,
      Objective objective,
      String objectiveDescription,
      int height,
      int width,
      int batch,
      int steps,
      long seed,
      List<Integer> snapshots,
      Optimizer optimizer,
      ParamSpec param,
      TransformList transforms,
      String fit,
      boolean normalizeGradient,
      boolean redirectedRelu,
      InputView input,
      StartImageRef startImage,
      boolean sharedStart) {}

  /** An input override in the request's own form. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record InputView(List<Double> valueRange, ModelMetadata.ChannelOrder channelOrder) {
    static InputView of(MetadataOverride o) {
      return o == null
          ? null
          : new InputView(
              o.valueMin() == null ? null : List.of(o.valueMin(), o.valueMax()), o.channelOrder());
    }
  }

  public record Optimizer(String type, double learningRate, LearningRateSchedule schedule) {}

  static JobDocument of(Job job, OptionalLong queuePosition) {
    return of(job, queuePosition, ProgressView.of(job.progress()));
  }

  /** The document as a listing shows it: without the objective curve. */
  static JobDocument summary(Job job, OptionalLong queuePosition) {
    return of(job, queuePosition, ProgressView.withoutCurve(job.progress()));
  }

  private static JobDocument of(Job job, OptionalLong queuePosition, ProgressView progress) {
    JobSpec s = job.spec();
    String self = "/jobs/" + job.id();
    Map<String, String> links = new LinkedHashMap<>();
    links.put("self", self);
    links.put("events", self + "/events");
    links.put("image", self + "/image");
    links.put("grid", self + "/grid");
    links.put("alpha", self + "/alpha");
    links.put("attribution", self + "/attribution");
    if (!job.status().isFinal()) {
      links.put("cancel", self + "/cancel");
    }
    Problem error =
        job.error() == null ? null : Problem.of(500, "job-failed", "The job failed", job.error());
    return new JobDocument(
        job.id(),
        job.status(),
        new RequestView(
            s.model(),
            s.version(),
            s.objective(),
            s.objective().describe(),
            s.height(),
            s.width(),
            s.batch(),
            s.steps(),
            s.seed(),
            s.snapshots(),
            new Optimizer(s.optimizer().json(), s.learningRate(), s.schedule()),
            s.param(),
            new TransformList(s.transforms()),
            s.fit().name().toLowerCase(java.util.Locale.ROOT),
            s.normalizeGradient(),
            s.redirectedRelu(),
            InputView.of(s.input()),
            s.startImage(),
            s.sharedStart()),
        progress,
        queuePosition.isPresent() ? queuePosition.getAsLong() : null,
        job.cancelRequested() ? Boolean.TRUE : null,
        job.attempts(),
        job.submission().reusedFrom(),
        job.submission().fingerprint(),
        job.times().created(),
        job.times().started(),
        job.times().finished(),
        error,
        links);
  }
}
