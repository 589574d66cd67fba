package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.testing.TestModels;

/**
 * A worker writes a job's progress and snapshots from its writer thread, coalesced, and all of them
 * before the job's one final write; a cancel still stops the render within one step. Real renders
 * of {@code tiny_cnn} on the default (file) stores; the work source is the real local one, watched
 * through a wrapper that records who calls what.
 */
class ProgressWriterTest {
  private static final int STEPS = 300;

  @TempDir Path tmp;

  @Test
  void progressAndSnapshotsAreWrittenOffTheRenderThreadCoalescedAndBeforeTheFinalWrite()
      throws Exception {
    Fixture f = new Fixture(tmp);
    // The first progress write is stuck until the render has gone on to its last step: the render
    // must not wait for it, and what it reports meanwhile must not pile up behind it.
    f.source.stuckUntilChecks = STEPS;
    String id = f.service.submit(spec(STEPS, List.of(100, 200)), null).job().id();
    f.pool.start(null);
    try {
      Job done = f.await(id, JobStatus.SUCCEEDED);
      Watched w = f.source.watched.get(id);
      assertEquals(STEPS, done.progress().step(), "the final progress counts every step");
      assertEquals(List.of(100, 200), done.progress().snapshots());
      assertTrue(
          f.images.get(id, ImageNames.of(100, 0)).isPresent()
              && f.images.get(id, ImageNames.of(200, 0)).isPresent(),
          "both snapshots' images are stored");
      assertTrue(w.stuckWriteReleasedAfterChecks >= STEPS, "the render went on past a stuck write");
      assertEquals(Set.of(w.renderThread + "-writer"), Set.copyOf(w.writerThreads));
      assertNotEquals(w.renderThread, w.writerThreads.get(0));
      // Every step takes at least 2 ms (the wrapper's cancel check), so the render reported
      // progress at least STEPS * 2 ms / 200 ms = 3 times; the writer, stuck for nearly all of
      // them, wrote the first, then the newest one it found, then at most the last step's.
      assertTrue(
          w.progressWrites.size() <= 3,
          "progress writes coalesced while the writer was busy: " + w.progressWrites);
      assertEquals(STEPS, w.progressWrites.get(w.progressWrites.size() - 1));
      assertEquals(List.of(), w.writesAfterFinish, "nothing written about the job after its end");
      assertEquals(1, w.finishes.get(), "one final write");
      assertEquals(w.progressWrites, w.curveEnds, "each progress write carries the curve so far");
      // 300 steps: step 1, every third step (300 / 3 = 100 of them) and the last, which is one.
      List<CurvePoint> curve = done.progress().curve();
      List<Integer> sampled = new ArrayList<>(List.of(1));
      IntStream.rangeClosed(1, 100).forEach(k -> sampled.add(3 * k));
      assertEquals(sampled, curve.stream().map(CurvePoint::step).toList());
      assertEquals(new CurvePoint(STEPS, done.progress().objective()), curve.get(curve.size() - 1));
    } finally {
      f.pool.stop(null);
    }
  }

  /**
   * The scenario whose page once drew two points: a render of 64 steps can end within one or two
   * progress writes, yet its job has the objective at every step, the last being its final one, and
   * keeps it in its file.
   */
  @Test
  void aShortJobKeepsItsObjectiveAtEveryStep() throws Exception {
    Fixture f = new Fixture(tmp);
    String id = f.service.submit(spec(64, List.of()), null).job().id();
    f.pool.start(null);
    try {
      Job done = f.await(id, JobStatus.SUCCEEDED);
      List<CurvePoint> curve = done.progress().curve();
      assertEquals(
          IntStream.rangeClosed(1, 64).boxed().toList(),
          curve.stream().map(CurvePoint::step).toList());
      assertEquals(new CurvePoint(64, done.progress().objective()), curve.get(63));
      assertTrue(
          curve.stream().map(CurvePoint::objective).distinct().count() > 1,
          "the objective moves: " + curve);
      assertEquals(done, new FileJobStore(tmp.resolve("jobs")).find(id).orElseThrow());
      Watched w = f.source.watched.get(id);
      assertEquals(w.progressWrites, w.curveEnds, "each progress write carries the curve so far");
    } finally {
      f.pool.stop(null);
    }
  }

  @Test
  void aLongJobsCurveHoldsAtMost128PointsEndingAtItsLastStep() {
    for (int total : List.of(1, 128, 129, 252, 253, 1500, 100_000)) {
      CurveSampler sampler = new CurveSampler(total);
      for (int step = 1; step <= total; step++) {
        sampler.add(step, step * 0.5);
        List<CurvePoint> points = sampler.points();
        assertTrue(points.size() <= 128, total + " steps: " + points.size() + " points");
        assertEquals(new CurvePoint(step, step * 0.5), points.get(points.size() - 1));
      }
      List<Integer> steps = sampler.points().stream().map(CurvePoint::step).toList();
      assertEquals(1, steps.get(0));
      for (int i = 1; i < steps.size(); i++) {
        assertTrue(steps.get(i) > steps.get(i - 1), total + " steps: " + steps);
      }
      if (total <= 128) {
        assertEquals(total, steps.size(), "every step of a short job");
      } else {
        assertTrue(steps.size() > 64, total + " steps: only " + steps.size() + " points");
      }
    }
  }

  @Test
  void aCancelStopsTheRenderWithinOneStep() throws Exception {
    Fixture f = new Fixture(tmp);
    f.source.cancelAtProgressWrite = 2;
    String id = f.service.submit(spec(100_000, List.of()), null).job().id();
    f.pool.start(null);
    try {
      Job cancelled = f.await(id, JobStatus.CANCELLED);
      Watched w = f.source.watched.get(id);
      assertTrue(w.checksWhenCancelled > 0, "cancelled while the render ran");
      // Checks after the cancel was stored read it: at most the step running at that moment ends.
      assertTrue(
          w.checks.get() <= w.checksWhenCancelled + 1,
          "the render asked "
              + w.checks.get()
              + " times, the cancel was stored after "
              + w.checksWhenCancelled);
      assertTrue(cancelled.progress().step() < 100_000);
      assertEquals(List.of(), w.writesAfterFinish);
      assertEquals(1, w.finishes.get());
    } finally {
      f.pool.stop(null);
    }
  }

  private static JobSpec spec(int steps, List<Integer> snapshots) {
    return new JobSpec(
        "tiny_cnn",
        0,
        Objectives.channel("conv2", 1),
        16,
        16,
        1,
        steps,
        1,
        0.05,
        snapshots,
        ParamSpec.DEFAULT,
        List.of(),
        FitMode.RESIZE,
        false,
        false,
        null,
        null);
  }

  /** The default stores in a folder, the local work source watched, one worker. */
  private static final class Fixture {
    final FileJobStore jobs;
    final FileImageStore images;
    final WatchedSource source;
    final JobService service;
    final WorkerPool pool;

    Fixture(Path tmp) throws Exception {
      jobs = new FileJobStore(Files.createDirectories(tmp.resolve("jobs")));
      images = new FileImageStore(Files.createDirectories(tmp.resolve("images")));
      JobQueue queue = new JobQueue(16);
      JobMetrics metrics = new JobMetrics(new SimpleMeterRegistry(), queue);
      source = new WatchedSource(new LocalWorkSource(queue, jobs, images, Clock.systemUTC()));
      service =
          new JobService(jobs, images, TestModels.registry(), source, Clock.systemUTC(), metrics);
      source.service = service;
      pool =
          new WorkerPool(
              images,
              TestModels.registry(),
              null,
              source,
              service,
              Clock.systemUTC(),
              RestartTest.CONFIG,
              metrics);
    }

    Job await(String id, JobStatus status) {
      return Awaitility.await("job " + id + " " + status)
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .failFast(
              "job " + id + " ended otherwise",
              () -> RestartTest.endedOtherwise(jobs.find(id).orElseThrow(), status))
          .until(() -> jobs.find(id).orElseThrow(), job -> job.status() == status);
    }
  }

  /** What the pool did with one run. */
  private static final class Watched {
    volatile String renderThread;
    final AtomicInteger checks = new AtomicInteger();
    final List<String> writerThreads = new CopyOnWriteArrayList<>();
    final List<Integer> progressWrites = new CopyOnWriteArrayList<>();
    // The last step of the curve each progress write carried.
    final List<Integer> curveEnds = new CopyOnWriteArrayList<>();
    final List<String> writesAfterFinish = new CopyOnWriteArrayList<>();
    final AtomicInteger finishes = new AtomicInteger();
    volatile boolean finished;
    volatile int stuckWriteReleasedAfterChecks;
    volatile int checksWhenCancelled;
  }

  /** The local work source, each run wrapped to record its calls. */
  private static final class WatchedSource implements WorkSource {
    private final WorkSource local;
    final Map<String, Watched> watched = new ConcurrentHashMap<>();
    volatile JobService service;
    // The first progress write waits until the render has checked for a cancel this many times.
    volatile int stuckUntilChecks;
    // The progress write of this number (1-based) cancels the job through the service first.
    volatile int cancelAtProgressWrite;

    WatchedSource(WorkSource local) {
      this.local = local;
    }

    @Override
    public void recover() {
      local.recover();
    }

    @Override
    public void checkRoom() {
      local.checkRoom();
    }

    @Override
    public void offer(String id) {
      local.offer(id);
    }

    @Override
    public long queued() {
      return local.queued();
    }

    @Override
    public int capacity() {
      return local.capacity();
    }

    @Override
    public Optional<Run> next(String worker, Duration wait) throws InterruptedException {
      return local.next(worker, wait).map(WatchedRun::new);
    }

    private final class WatchedRun implements Run {
      private final Run run;
      private final Watched w = new Watched();

      WatchedRun(Run run) {
        this.run = run;
        w.renderThread = Thread.currentThread().getName();
        watched.put(run.job().id(), w);
      }

      @Override
      public Job job() {
        return run.job();
      }

      @Override
      public void progress(Progress progress) {
        int step = progress.step();
        wrote("progress " + step);
        w.progressWrites.add(step);
        List<CurvePoint> curve = progress.curve();
        w.curveEnds.add(curve.isEmpty() ? -1 : curve.get(curve.size() - 1).step());
        if (w.progressWrites.size() == 1 && stuckUntilChecks > 0) {
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (w.checks.get() < stuckUntilChecks && System.nanoTime() < deadline) {
            pause(5); // a slow store, as seen from the writer
          }
          w.stuckWriteReleasedAfterChecks = w.checks.get();
        }
        if (w.progressWrites.size() == cancelAtProgressWrite) {
          service.cancel(run.job().id());
          w.checksWhenCancelled = w.checks.get();
        }
        run.progress(progress);
      }

      @Override
      public void snapshot(int step, Map<String, byte[]> images) {
        wrote("snapshot " + step);
        run.snapshot(step, images);
      }

      private void wrote(String what) {
        w.writerThreads.add(Thread.currentThread().getName());
        if (w.finished) {
          w.writesAfterFinish.add(what);
        }
      }

      @Override
      public boolean cancelRequested() {
        w.checks.incrementAndGet();
        if (stuckUntilChecks > 0) {
          pause(2); // a lower bound on a step, so that the render reports progress many times
        }
        return run.cancelRequested();
      }

      @Override
      public boolean lost() {
        return run.lost();
      }

      @Override
      public Optional<Job> finish(UnaryOperator<Job> change, Map<String, byte[]> images) {
        w.finished = true;
        w.finishes.incrementAndGet();
        return run.finish(change, images);
      }

      @Override
      public void handBack() {
        w.finished = true;
        run.handBack();
      }
    }

    private static void pause(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
