package org.lucerna.job;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.lucerna.model.LayerShapes;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.UnknownLayerException;
import org.lucerna.optvis.CppnDrawing;
import org.lucerna.optvis.PlanMemory;
import org.lucerna.optvis.param.StartImage;
import org.lucerna.optvis.transform.Transforms;

/**
 * The rules of jobs: what may be submitted, what a retry or a repeat gets, what cancel and delete
 * do. It reads and writes jobs only through the stores, so it holds for jobs that run anywhere.
 */
@ApplicationScoped
public class JobService {
  private final JobStore jobs;
  private final ImageStore images;
  private final ModelRegistry models;
  private final WorkSource queue;
  private final Clock clock;
  private final JobMetrics metrics;
  private final LayerShapes shapes = new LayerShapes();
  private final NeuronPositions positions = new NeuronPositions(shapes);
  private final long maxPlanBytes;
  private volatile boolean draining;

  /** Held while a drawing again larger is made (see {@link #drawn}). */
  private final Object drawing = new Object();

  /** The service of one instance on its own store. */
  public JobService(
      JobStore jobs,
      ImageStore images,
      ModelRegistry models,
      JobQueue queue,
      Clock clock,
      JobMetrics metrics) {
    this(jobs, images, models, new LocalWorkSource(queue, jobs, images, clock), clock, metrics);
  }

  /** A service whose renders may take {@link Limits#DEFAULT_MAX_PLAN_BYTES}. */
  public JobService(
      JobStore jobs,
      ImageStore images,
      ModelRegistry models,
      WorkSource queue,
      Clock clock,
      JobMetrics metrics) {
    this(jobs, images, models, queue, clock, metrics, Limits.DEFAULT_MAX_PLAN_BYTES);
  }

  @Inject
  public JobService(
      JobStore jobs,
      ImageStore images,
      ModelRegistry models,
      WorkSource queue,
      Clock clock,
      JobMetrics metrics,
      Limits limits) {
    this(jobs, images, models, queue, clock, metrics, limits.maxPlanBytes());
  }

  private JobService(
      JobStore jobs,
      ImageStore images,
      ModelRegistry models,
      WorkSource queue,
      Clock clock,
      JobMetrics metrics,
      long maxPlanBytes) {
    this.metrics = metrics;
    this.jobs = jobs;
    this.images = images;
    this.models = models;
    this.queue = queue;
    this.clock = clock;
    this.maxPlanBytes = maxPlanBytes;
  }

  /** What a submission got: a new job, or the job an earlier submission with the same key made. */
  public record Submitted(Job job, boolean created) {}

  /**
   * Checks {@code spec} against its model and queues it. The spec's version may be 0, meaning the
   * model's highest; the job names the version it got. A finished job with the same fingerprint
   * serves its result to a new job at once, without rendering again.
   *
   * @throws InvalidJobException naming the field at fault
   * @throws IdempotencyConflictException when the key was used for another request
   * @throws QueueFullException when no job can be taken now
   */
  public Submitted submit(JobSpec spec, String idempotencyKey) {
    return submit(spec, null, idempotencyKey);
  }

  /**
   * As {@link #submit(JobSpec, String)}, for a spec that may start from a picture: {@code
   * startImage} is the picture the spec's {@link JobSpec#startImage()} names, null when the spec
   * has none. Its bytes are stored under the new job before the job can be seen by any worker.
   */
  public Submitted submit(JobSpec spec, StartImage startImage, String idempotencyKey) {
    return submitDecoding(spec, startImage == null ? null : () -> startImage, idempotencyKey);
  }

  /**
   * As {@link #submit(JobSpec, StartImage, String)}, with the picture decoded only once the spec
   * has passed its checks: decoding is the one costly check of a submission, so a request that
   * fails a cheap one never costs a decode.
   *
   * @param startImage decodes the picture the spec names (and may refuse it), null when none
   */
  public Submitted submitDecoding(
      JobSpec spec, Supplier<StartImage> startImage, String idempotencyKey) {
    if (draining) {
      metrics.rejected(JobMetrics.QUEUE_FULL);
      throw new QueueFullException(
          queue.capacity(), "the service is shutting down; retry on another instance");
    }
    if ((spec.startImage() == null) != (startImage == null)) {
      throw new IllegalArgumentException("a start image is given without its reference, or not");
    }
    JobSpec resolved = validate(spec);
    return submitValid(resolved, startImage == null ? null : startImage.get(), idempotencyKey);
  }

  private Submitted submitValid(JobSpec resolved, StartImage startImage, String idempotencyKey) {
    if (startImage != null && !resolved.startImage().matches(startImage)) {
      throw new IllegalArgumentException("the start image bytes do not match the spec's reference");
    }
    String fingerprint = JobJson.fingerprint(resolved);
    Optional<Job> earlier = earlierWithKey(idempotencyKey, fingerprint);
    if (earlier.isPresent()) {
      return new Submitted(earlier.get(), false);
    }
    try {
      Optional<Job> done =
          first(new JobQuery(Set.of(JobStatus.SUCCEEDED), null, fingerprint, null, null, 1));
      if (done.isPresent()) {
        Optional<Job> reused = reuse(done.get(), resolved, fingerprint, idempotencyKey, startImage);
        if (reused.isPresent()) {
          return new Submitted(reused.get(), true);
        }
      }
      return new Submitted(enqueue(resolved, fingerprint, idempotencyKey, startImage), true);
    } catch (IdempotencyKeyTakenException e) {
      // A concurrent submission with the same key made its job first: this one serves that job.
      Job holder =
          jobs.find(e.existingJobId())
              .orElseThrow(
                  () -> new IdempotencyConflictException(idempotencyKey, e.existingJobId()));
      return new Submitted(sameRequest(holder, idempotencyKey, fingerprint), false);
    }
  }

  /**
   * Checks {@code spec} on its own and against its model, and names the model version it gets.
   *
   * @throws InvalidJobException naming the field at fault
   */
  JobSpec validate(JobSpec spec) {
    for (int step : spec.snapshots()) {
      if (step > spec.steps()) {
        throw new InvalidJobException(
            "snapshots",
            "each snapshot step must be at most steps (" + spec.steps() + "); got " + step);
      }
    }
    int smallestHeight;
    int smallestWidth;
    try {
      smallestHeight = Transforms.checkFits(spec.transforms(), spec.height());
      smallestWidth = Transforms.checkFits(spec.transforms(), spec.width());
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException("transforms", e.getMessage());
    }
    PreparedModel model = model(spec);
    model
        .unrenderable()
        .ifPresent(
            why -> {
              throw new InvalidJobException("model", why);
            });
    try {
      spec.objective().check(model.layers(), spec.batch());
    } catch (UnknownLayerException | IllegalArgumentException e) {
      throw new InvalidJobException("objective", e.getMessage());
    }
    // A short layer name becomes the full one, which the job document then shows.
    spec = spec.withObjective(spec.objective().withLayerNames(n -> model.layers().get(n).name()));
    positions.check(spec.objective(), model, smallestHeight, smallestWidth, spec.fit());
    if (spec.startImage() != null && !spec.param().kind().startsFromPicture()) {
      throw new InvalidJobException(
          "startImage",
          "a "
              + spec.param().kind().name().toLowerCase(java.util.Locale.ROOT)
              + " image cannot start from a picture ("
              + spec.param().kind().whyNoStartImage()
              + "); use the fourier or pixel parametrization");
    }
    if (Transforms.batchFactor(spec.transforms()) > 1) {
      for (var w : spec.objective().terms()) {
        String kind = w.term().kind().name();
        if (kind.equals("diversity") || kind.equals("alignment")) {
          throw new InvalidJobException(
              "objective",
              kind
                  + " compares the images of the batch; it cannot be used with crops,"
                  + " which make several model inputs of each image");
        }
        if (kind.equals("caricature")) {
          throw new InvalidJobException(
              "objective",
              "caricature compares with the start image's activations at the same places; it"
                  + " cannot be used with crops, which look at other places at every step");
        }
      }
    }
    if (spec.startImage() == null
        && spec.objective().terms().stream()
            .anyMatch(w -> w.term().kind().name().equals("caricature"))) {
      throw new InvalidJobException(
          "startImage",
          "a caricature term compares the render with the photo it starts from: give the photo as"
              + " startImage");
    }
    checkMemory(spec, model);
    int channels = model.input().isImage() ? model.input().channels() : 0;
    if (spec.startImage() != null && channels != 1 && channels != 3 && channels != 4) {
      throw new InvalidJobException(
          "startImage",
          "model "
              + model.id()
              + " takes "
              + model.input()
              + "; a starting image fills 1 (gray), 3 (RGB) or 4 (RGBA): render without one");
    }
    return spec.withVersion(model.id().version());
  }

  /**
   * Refuses a render whose memory, reckoned for the largest image its transforms can make, exceeds
   * the limit; then one whose transforms can make an image side beyond the format's bound (such an
   * image may be cheap for a small batch, but the rotation's indexing is not exact beyond it).
   *
   * @throws PlanTooLargeException with the estimate and the limit
   * @throws InvalidJobException naming {@code transforms}
   */
  private void checkMemory(JobSpec spec, PreparedModel model) {
    PlanMemory.Estimate estimate = PlanMemory.estimate(model, spec.planSpec(), shapes);
    if (estimate.total() > maxPlanBytes) {
      int[] heights = Transforms.largestSides(spec.transforms(), spec.height());
      int[] widths = Transforms.largestSides(spec.transforms(), spec.width());
      int largestHeight = spec.height();
      int largestWidth = spec.width();
      for (int i = 0; i < heights.length; i++) {
        largestHeight = Math.max(largestHeight, heights[i]);
        largestWidth = Math.max(largestWidth, widths[i]);
      }
      throw new PlanTooLargeException(
          estimate, maxPlanBytes, spec.batch(), largestHeight, largestWidth);
    }
    try {
      Transforms.checkLargest(spec.transforms(), spec.height());
      Transforms.checkLargest(spec.transforms(), spec.width());
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException("transforms", e.getMessage());
    }
  }

  PreparedModel model(JobSpec spec) {
    try {
      return models.get(
          spec.model(),
          spec.version() == 0 ? OptionalLong.empty() : OptionalLong.of(spec.version()));
    } catch (ModelException e) {
      throw new InvalidJobException(spec.version() == 0 ? "model" : "version", e.getMessage());
    }
  }

  /**
   * The job an earlier submission with this key made, if any.
   *
   * @throws IdempotencyConflictException when that submission asked for another request
   */
  private Optional<Job> earlierWithKey(String idempotencyKey, String fingerprint) {
    if (idempotencyKey == null) {
      return Optional.empty();
    }
    return first(new JobQuery(Set.of(), null, null, idempotencyKey, null, 1))
        .map(earlier -> sameRequest(earlier, idempotencyKey, fingerprint));
  }

  /**
   * {@code earlier}, the job that holds {@code idempotencyKey}, when it was made for the same
   * request.
   *
   * @throws IdempotencyConflictException when it was made for another request
   */
  private static Job sameRequest(Job earlier, String idempotencyKey, String fingerprint) {
    if (!earlier.submission().fingerprint().equals(fingerprint)) {
      throw new IdempotencyConflictException(idempotencyKey, earlier.id());
    }
    return earlier;
  }

  /** A new queued job; nothing of it remains if the queue refuses it. */
  private Job enqueue(
      JobSpec spec, String fingerprint, String idempotencyKey, StartImage startImage) {
    Job job =
        Job.queued(
            JobIds.next(clock.instant()),
            spec,
            new Job.Submission(fingerprint, idempotencyKey, null),
            clock.instant());
    try {
      queue.checkRoom();
    } catch (QueueFullException e) {
      metrics.rejected(JobMetrics.QUEUE_FULL);
      throw e;
    }
    // Stored before the job exists: a worker (here or on another instance) may take it at once.
    if (startImage != null) {
      images.put(job.id(), ImageNames.START, startImage.bytes());
    }
    try {
      jobs.insert(job);
    } catch (RuntimeException e) {
      images.deleteAll(job.id());
      throw e;
    }
    try {
      queue.offer(job.id());
    } catch (QueueFullException e) {
      jobs.delete(job.id());
      images.deleteAll(job.id());
      metrics.rejected(JobMetrics.QUEUE_FULL);
      throw e;
    }
    metrics.submitted();
    return job;
  }

  /**
   * A new job that serves {@code done}'s images: same request, same seed, same model version. The
   * images are copied to the new job before it exists, and it is stored only when every one of them
   * was there: a DELETE (or the retention sweep) that removes {@code done} meanwhile makes the copy
   * incomplete, and then the request is rendered afresh (empty) instead of leaving a SUCCEEDED job
   * without images. Once stored, the job owns its copies, so removing {@code done} later takes
   * nothing from it.
   */
  private Optional<Job> reuse(
      Job done, JobSpec spec, String fingerprint, String idempotencyKey, StartImage startImage) {
    Job job =
        new Job(
            JobIds.next(clock.instant()),
            spec,
            JobStatus.SUCCEEDED,
            done.progress(),
            new Job.Timestamps(clock.instant(), clock.instant(), clock.instant()),
            null,
            false,
            new Job.Submission(fingerprint, idempotencyKey, done.id()),
            0,
            0);
    List<String> names = new java.util.ArrayList<>();
    names.add(ImageNames.GRID);
    for (int b = 0; b < spec.batch(); b++) {
      names.add(ImageNames.finalImage(b));
      names.add(ImageNames.alpha(b));
      names.add(ImageNames.attribution(b));
      if (spec.param().kind().redrawable()) {
        names.add(ImageNames.parameters(b));
      }
      for (int step : done.progress().snapshots()) {
        names.add(ImageNames.of(step, b));
      }
    }
    try {
      for (String name : names) {
        Optional<byte[]> png = images.get(done.id(), name);
        if (png.isEmpty()) {
          images.deleteAll(job.id());
          return Optional.empty();
        }
        images.put(job.id(), name, png.get());
      }
      if (startImage != null) {
        // Every job whose spec names a start image holds it, whichever job it was rendered by.
        images.put(job.id(), ImageNames.START, startImage.bytes());
      }
      jobs.insert(job);
    } catch (RuntimeException e) {
      images.deleteAll(job.id());
      throw e;
    }
    return Optional.of(job);
  }

  private Optional<Job> first(JobQuery query) {
    List<Job> found = jobs.list(query);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  public Optional<Job> find(String id) {
    return JobIds.isWellFormed(id) ? jobs.find(id) : Optional.empty();
  }

  public List<Job> list(JobQuery query) {
    return jobs.list(query);
  }

  /** How many jobs wait before this one (0: next), or empty when it is not queued. */
  public OptionalLong queuePosition(Job job) {
    if (job.status() != JobStatus.QUEUED) {
      return OptionalLong.empty();
    }
    // Counted from the store, not this instance's queue: the job may wait on another instance.
    return OptionalLong.of(jobs.countQueuedBefore(job.id()));
  }

  /**
   * Cancels a job: a queued one at once, a running one at its worker's next step. A finished job is
   * left as it is.
   */
  public Job cancel(String id) {
    return jobs.update(
        id,
        j ->
            switch (j.status()) {
              case QUEUED -> j.moveTo(JobStatus.CANCELLED, clock.instant(), null);
              case RUNNING -> j.withCancelRequested();
              default -> j;
            });
  }

  /**
   * Deletes a finished job and its images.
   *
   * @throws JobNotFinishedException if it is queued or running (cancel it first)
   */
  public void delete(String id) {
    Job job = find(id).orElseThrow(() -> new JobNotFoundException(id));
    if (!job.status().isFinal()) {
      throw new JobNotFinishedException(job);
    }
    jobs.delete(id);
    images.deleteAll(id);
  }

  public Optional<byte[]> image(String id, String name) {
    return images.get(id, name);
  }

  /**
   * Final image {@code batchElement} of a finished job whose parametrization can draw it again,
   * drawn {@code scale} times larger from its final parameters: drawn once, then kept with the
   * job's images. Empty when the job kept no parameters (it did not succeed, or is not a CPPN's).
   * Runs TensorFlow on the caller's thread, one drawing at a time.
   */
  public Optional<byte[]> drawn(Job job, int batchElement, int scale) {
    String name = ImageNames.scaled(batchElement, scale);
    Optional<byte[]> kept = images.get(job.id(), name);
    if (kept.isPresent()) {
      return kept;
    }
    // One drawing at a time on this instance: a 4096 px drawing took 11 to 21 s on every core and
    // about 650 MB of heap until encoded (README); asks for the same drawing that wait here find it
    // kept.
    synchronized (drawing) {
      kept = images.get(job.id(), name);
      if (kept.isPresent()) {
        return kept;
      }
      Optional<byte[]> parameters = images.get(job.id(), ImageNames.parameters(batchElement));
      if (parameters.isEmpty()) {
        return Optional.empty();
      }
      JobSpec spec = job.spec();
      byte[] png =
          CppnDrawing.draw(
                  spec.param(), spec.height(), spec.width(), Floats.floats(parameters.get()), scale)
              .png(0);
      images.put(job.id(), name, png);
      if (jobs.find(job.id()).isEmpty()) {
        images.deleteAll(job.id()); // deleted while it was drawn: leave nothing of it behind
      }
      return Optional.of(png);
    }
  }

  /** Refuses new jobs from now on: the instance is stopping. */
  void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }
}
