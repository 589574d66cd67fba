package org.lucerna.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lucerna.job.Job;
import org.lucerna.job.JobSpec;
import org.lucerna.job.JobStatus;
import org.lucerna.job.Progress;

/** A job as clients see it: the normalized request, where it stands, and links to what it offers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDocument(
    String id,
    JobStatus status,
    RequestView request,
    Progress progress,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Problem error,
    Map<String, String> links) {

  /** The request with every default filled in. */
  public record RequestView(
      String model, long version, ObjectNode objective, String objectiveDescription, int size, int batch,
      int steps, long seed,
      List<Integer> snapshots, Optimizer optimizer) {}

  public record Optimizer(String type, double learningRate) {}

  static JobDocument of(Job job) {
    JobSpec s = job.spec();
    String self = "/jobs/" + job.id();
    Map<String, String> links = new LinkedHashMap<>();
    links.put("self", self);
    links.put("image", self + "/image");
    Problem error = job.error() == null ? null
        : Problem.of(500, "job-failed", "The job failed", job.error());
    return new JobDocument(job.id(), job.status(),
        new RequestView(s.model(), s.version(), ObjectiveJson.write(s.objective()), s.objective().describe(),
            s.size(), s.batch(), s.steps(), s.seed(), s.snapshots(),
            new Optimizer("adam", s.learningRate())),
        job.progress(), job.createdAt(), job.startedAt(), job.finishedAt(), error, links);
  }
}
