package org.lucerna.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.UnknownLayerException;
import org.lucerna.optvis.ObjectiveCheck;

/** Takes jobs in, after checking them against the model they name, and answers what became of them. */
@ApplicationScoped
public class JobService {
  private final JobStore jobs;
  private final ImageStore images;
  private final ModelRegistry models;
  private final JobQueue queue;
  private final Clock clock;

  public JobService(JobStore jobs, ImageStore images, ModelRegistry models, JobQueue queue, Clock clock) {
    this.jobs = jobs;
    this.images = images;
    this.models = models;
    this.queue = queue;
    this.clock = clock;
  }

  /**
   * Checks {@code spec} against its model and queues it. The spec's version may be 0, meaning the
   * model's highest; the queued job names the version it got.
   *
   * @throws InvalidJobException naming the field at fault
   * @throws QueueFullException when no job can be taken now
   */
  public Job submit(JobSpec spec) {
    PreparedModel model;
    try {
      model = models.get(spec.model(), spec.version() == 0 ? OptionalLong.empty() : OptionalLong.of(spec.version()));
    } catch (ModelException e) {
      throw new InvalidJobException(spec.version() == 0 ? "model" : "version", e.getMessage());
    }
    checkObjective(spec, model);
    JobSpec resolved = new JobSpec(spec.model(), model.id().version(), spec.objective(), spec.size(),
        spec.batch(), spec.steps(), spec.seed(), spec.learningRate(), spec.snapshots());
    Job job = Job.queued(JobIds.next(clock.instant()), resolved, clock.instant());
    jobs.insert(job);
    try {
      queue.offer(job.id());
    } catch (QueueFullException e) {
      jobs.delete(job.id()); // refused, not accepted: nothing of it remains
      throw e;
    }
    return job;
  }

  private static void checkObjective(JobSpec spec, PreparedModel model) {
    try {
      ObjectiveCheck.check(spec.objective(), model.layers(), spec.batch());
    } catch (UnknownLayerException | IllegalArgumentException e) {
      throw new InvalidJobException("objective", e.getMessage());
    }
  }

  public Optional<Job> find(String id) {
    return JobIds.isWellFormed(id) ? jobs.find(id) : Optional.empty();
  }

  public Optional<byte[]> image(String id, String name) {
    return images.get(id, name);
  }
}
