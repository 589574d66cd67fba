package org.lucerna.job;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.UnknownLayerException;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;

/**
 * The rules of sweeps: the channels of one layer, each rendered with the same recipe, the ones not
 * rendered before in batch jobs of up to {@code lucerna.sweeps.batch} images.
 *
 * <p>Reuse is honest because of how a batch job renders: its images start from the same noise (the
 * noise a job of batch 1 gets from the seed, {@link JobSpec#sharedStart()}), the transforms draw
 * once per step for the whole batch, image k's objective is channel k's alone (one row of weights
 * per image), and Adam updates each parameter on its own. So image k follows the path of the job
 * that renders that channel on its own ({@link SweepSpec#single(int)}), the same arithmetic
 * batched, which a CPU may round differently in the last bits. A channel's recipe is that job's
 * fingerprint: a sweep takes a channel's image from a finished job with that fingerprint, or from
 * an earlier sweep with the same recipe, instead of rendering it. (A job is not served from a
 * sweep's image: jobs promise the same bytes for the same request, and a batched render promises
 * that only up to rounding.)
 */
@ApplicationScoped
public class SweepService {
  private final JobService jobs;
  private final JobStore jobStore;
  private final ImageStore images;
  private final SweepStore sweeps;
  private final Limits limits;
  private final Clock clock;

  public SweepService(
      JobService jobs,
      JobStore jobStore,
      ImageStore images,
      SweepStore sweeps,
      Limits limits,
      Clock clock) {
    this.jobs = jobs;
    this.jobStore = jobStore;
    this.images = images;
    this.sweeps = sweeps;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Checks the sweep against its model, takes every channel an earlier render has, and queues batch
   * jobs for the others. Nothing of it remains when the queue refuses one of its jobs.
   *
   * @param channels null for every channel of the layer
   * @throws InvalidJobException naming the field at fault
   * @throws QueueFullException when the queue cannot take its jobs
   */
  public Sweep submit(SweepSpec asked, List<Integer> channels) {
    PreparedModel model = jobs.model(asked.render());
    LayerInfo layer;
    try {
      layer = model.layers().get(asked.layer());
    } catch (UnknownLayerException e) {
      throw new InvalidJobException("layer", e.getMessage());
    }
    int count = layer.channels();
    List<Integer> wanted = channels == null ? range(0, count - 1) : channels;
    for (int c : wanted) {
      if (c < 0 || c >= count) {
        throw new InvalidJobException(
            "channels",
            "layer '" + layer.name() + "' has channels 0 to " + (count - 1) + "; got " + c);
      }
    }
    SweepSpec spec =
        new SweepSpec(layer.name(), asked.kind(), wanted, asked.render())
            .withVersion(model.id().version());
    // The whole recipe checked once, as the job of its first channel, before anything is made.
    jobs.validate(spec.single(wanted.get(0)));
    String id = JobIds.next(clock.instant());
    String recipe = recipe(spec);
    Map<Integer, String> reused = new TreeMap<>();
    List<Integer> toRender = new ArrayList<>();
    for (int c : wanted) {
      Optional<String> from = copyEarlier(spec, recipe, c, id);
      if (from.isPresent()) {
        reused.put(c, from.get());
      } else {
        toRender.add(c);
      }
    }
    List<Sweep.Batch> batches = new ArrayList<>();
    try {
      int size = Math.min(limits.sweepBatch(), limits.maxBatch());
      for (int i = 0; i < toRender.size(); i += size) {
        List<Integer> part = toRender.subList(i, Math.min(toRender.size(), i + size));
        JobSpec batch =
            spec.render().withObjective(objective(spec, count, part), part.size(), true);
        batches.add(new Sweep.Batch(jobs.submit(batch, null).job().id(), part));
      }
    } catch (RuntimeException e) {
      for (Sweep.Batch b : batches) {
        try {
          jobs.cancel(b.job());
          jobs.delete(b.job());
        } catch (RuntimeException left) {
          // a worker took it already: it ends CANCELLED at its next step, and stays listed
        }
      }
      images.deleteAll(id);
      throw e;
    }
    Sweep sweep = new Sweep(id, spec, recipe, batches, reused, clock.instant());
    sweeps.insert(sweep);
    return sweep;
  }

  private static List<Integer> range(int first, int last) {
    List<Integer> all = new ArrayList<>();
    for (int c = first; c <= last; c++) {
      all.add(c);
    }
    return all;
  }

  /**
   * The hash of the render without its channel: model version, layer, kind, size, steps, seed,
   * optimizer, parametrization, transforms and the other render fields.
   */
  static String recipe(SweepSpec spec) {
    String render = JobJson.fingerprint(spec.render().withObjective(null, 1, false));
    return Sha256.hex(
        (render + "|" + spec.layer() + "|" + spec.kind()).getBytes(StandardCharsets.UTF_8));
  }

  /** One row of weights per image for channels, one neuron term per image for neurons. */
  private static Objective objective(SweepSpec spec, int layerChannels, List<Integer> part) {
    if (spec.kind() == SweepSpec.Kind.CHANNEL) {
      double[][] rows = new double[part.size()][layerChannels];
      for (int k = 0; k < part.size(); k++) {
        rows[k][part.get(k)] = 1;
      }
      return Objectives.weightedChannels(spec.layer(), rows);
    }
    List<Objective> terms = new ArrayList<>();
    for (int k = 0; k < part.size(); k++) {
      terms.add(Objectives.neuron(spec.layer(), part.get(k)).onBatch(k));
    }
    return Objectives.sum(terms);
  }

  /**
   * Copies channel {@code c}'s image from a finished job of its recipe or an earlier sweep of the
   * same recipe under sweep {@code id}; says where it came from, or empty when nothing has it.
   */
  private Optional<String> copyEarlier(SweepSpec spec, String recipe, int c, String id) {
    String fingerprint = JobJson.fingerprint(spec.single(c));
    for (Job done :
        jobStore.list(
            new JobQuery(Set.of(JobStatus.SUCCEEDED), null, fingerprint, null, null, 1))) {
      Optional<byte[]> png = images.get(done.id(), ImageNames.finalImage(0));
      if (png.isPresent()) {
        images.put(id, Sweep.channelImage(c), png.get());
        return Optional.of("job:" + done.id());
      }
    }
    for (Sweep earlier : sweeps.withRecipe(recipe)) {
      Optional<byte[]> png = image(earlier, c);
      if (png.isPresent()) {
        images.put(id, Sweep.channelImage(c), png.get());
        return Optional.of("sweep:" + earlier.id());
      }
    }
    return Optional.empty();
  }

  public Optional<Sweep> find(String id) {
    return sweeps.find(id);
  }

  /** Where a sweep stands, read from its batch jobs. */
  public record State(
      JobStatus status, List<Integer> ready, List<BatchState> batches, String error) {
    /** The sweep's step: the steps its batch jobs have taken, added up. */
    public long step() {
      return batches.stream().mapToLong(b -> b.progress().step()).sum();
    }
  }

  /** One batch job as it stands; a deleted job is FAILED. */
  public record BatchState(
      String job, List<Integer> channels, JobStatus status, Progress progress) {}

  public State state(Sweep sweep) {
    List<Integer> ready = new ArrayList<>(sweep.reused().keySet());
    List<BatchState> batches = new ArrayList<>();
    boolean allFinal = true;
    boolean anyFailed = false;
    boolean anyCancelled = false;
    boolean anyStarted = false;
    String error = null;
    for (Sweep.Batch b : sweep.batches()) {
      Optional<Job> found = jobStore.find(b.job());
      JobStatus status = found.map(Job::status).orElse(JobStatus.FAILED);
      Progress progress =
          found.map(Job::progress).orElse(Progress.start(sweep.spec().render().steps()));
      batches.add(new BatchState(b.job(), b.channels(), status, progress));
      allFinal &= status.isFinal();
      anyStarted |= status != JobStatus.QUEUED;
      if (status == JobStatus.SUCCEEDED) {
        ready.addAll(b.channels());
      } else if (status == JobStatus.CANCELLED) {
        anyCancelled = true;
      } else if (status == JobStatus.FAILED) {
        anyFailed = true;
        error =
            "batch job "
                + b.job()
                + (found.isEmpty() ? " was deleted" : " failed: " + found.get().error());
      }
    }
    ready.sort(null);
    JobStatus status =
        !allFinal
            ? (anyStarted ? JobStatus.RUNNING : JobStatus.QUEUED)
            : anyFailed
                ? JobStatus.FAILED
                : anyCancelled ? JobStatus.CANCELLED : JobStatus.SUCCEEDED;
    return new State(status, ready, batches, error);
  }

  /**
   * Channel {@code c}'s image once it is rendered; empty before, or when it is not in the sweep.
   */
  public Optional<byte[]> image(Sweep sweep, int c) {
    if (sweep.reused().containsKey(c)) {
      return images.get(sweep.id(), Sweep.channelImage(c));
    }
    for (Sweep.Batch b : sweep.batches()) {
      int k = b.channels().indexOf(c);
      if (k >= 0) {
        return jobStore
            .find(b.job())
            .filter(j -> j.status() == JobStatus.SUCCEEDED)
            .flatMap(j -> images.get(j.id(), ImageNames.finalImage(k)));
      }
    }
    return Optional.empty();
  }

  /** Cancels every unfinished batch job: queued ones at once, running ones at their next step. */
  public void cancel(Sweep sweep) {
    for (Sweep.Batch b : sweep.batches()) {
      try {
        jobs.cancel(b.job());
      } catch (JobNotFoundException e) {
        // deleted on its own: nothing to stop
      }
    }
  }

  /**
   * Deletes a finished sweep, its batch jobs and its images; other sweeps keep the images they took
   * from it.
   *
   * @return false while it is queued or running (cancel it first)
   */
  public boolean delete(Sweep sweep) {
    if (!state(sweep).status().isFinal()) {
      return false;
    }
    for (Sweep.Batch b : sweep.batches()) {
      try {
        jobs.delete(b.job());
      } catch (JobNotFoundException e) {
        // already gone
      }
    }
    images.deleteAll(sweep.id());
    sweeps.delete(sweep.id());
    return true;
  }
}
