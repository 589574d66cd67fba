package org.lucerna.model;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Prepared models, each prepared once and shared: concurrent requests for a model that is still
 * loading wait for the one load. Prepared models are held in memory in an LRU bounded by bytes
 * ({@link PreparedModel#sizeBytes()}), and on disk in a {@link PreparedModelCache} when one is
 * given. A failed load is remembered with the reason, and retried only once the model's files
 * change or on an explicit {@link #load}.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

  /** Memory for prepared models when the configuration does not say. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  /** Where a version is: as TensorFlow Serving reports a version's state. */
  public enum State {
    UNLOADED,
    LOADING,
    AVAILABLE,
    FAILED
  }

  /** A version's state; {@code reason} says why a FAILED one failed. */
  public record VersionState(ModelId id, State state, String reason) {}

  private record Failure(String stamp, ModelException error) {}

  private final ModelRepository repository;
  private final PreparedModelCache prepared;
  private final AsyncCache<ModelId, PreparedModel> memory;
  private final Map<ModelId, Failure> failures = new ConcurrentHashMap<>();
  private final ExecutorService loader;

  public ModelRegistry(ModelRepository repository) {
    this(repository, null, DEFAULT_MAX_BYTES);
  }

  /**
   * @param prepared the disk cache of prepared models, or null for none
   * @param maxBytes the bound of the prepared models held in memory
   */
  public ModelRegistry(ModelRepository repository, PreparedModelCache prepared, long maxBytes) {
    this.repository = repository;
    this.prepared = prepared;
    AtomicInteger threads = new AtomicInteger();
    // Loads run here, not on the caller's thread, so that GET /models/{name} can start one and
    // return.
    this.loader =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "model-loader-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.memory =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher(
                (ModelId id, PreparedModel m) -> (int) Math.min(Integer.MAX_VALUE, m.sizeBytes()))
            .executor(loader)
            .buildAsync();
  }

  public ModelRepository repository() {
    return repository;
  }

  /** The prepared model, loading it first if needed (blocking). */
  public PreparedModel get(String name, OptionalLong version) {
    ModelRepository.Location location = repository.resolve(name, version);
    Failure failure = failures.get(location.id());
    if (failure != null
        && memory.getIfPresent(location.id()) == null
        && failure.stamp().equals(stamp(location))) {
      throw failure.error();
    }
    return join(start(location));
  }

  /**
   * Starts loading (or retries a failed load of) a version; the future completes when it is ready.
   */
  public CompletableFuture<PreparedModel> load(String name, OptionalLong version) {
    ModelRepository.Location location = repository.resolve(name, version);
    failures.remove(location.id());
    return start(location);
  }

  /** Loads and waits; the model document then shows AVAILABLE or FAILED. */
  public PreparedModel loadAndWait(String name, OptionalLong version) {
    return join(load(name, version));
  }

  /** Drops a version from memory (its disk cache entry stays); true when it was held. */
  public boolean unload(String name, OptionalLong version) {
    ModelId id = repository.resolve(name, version).id();
    failures.remove(id);
    return memory.asMap().remove(id) != null;
  }

  /** The state of each version of a model, ascending. */
  public List<VersionState> versions(String name) {
    List<VersionState> states = new ArrayList<>();
    for (long v : repository.versions(name)) {
      states.add(state(new ModelId(name, v)));
    }
    return states;
  }

  public VersionState state(ModelId id) {
    CompletableFuture<PreparedModel> f = memory.getIfPresent(id);
    if (f != null && !f.isDone()) {
      return new VersionState(id, State.LOADING, null);
    }
    if (f != null && !f.isCompletedExceptionally()) {
      return new VersionState(id, State.AVAILABLE, null);
    }
    Failure failure = failures.get(id);
    return failure != null
        ? new VersionState(id, State.FAILED, failure.error().getMessage())
        : new VersionState(id, State.UNLOADED, null);
  }

  /** The model if it is loaded now; never loads. */
  public Optional<PreparedModel> loaded(ModelId id) {
    CompletableFuture<PreparedModel> f = memory.getIfPresent(id);
    return f != null && f.isDone() && !f.isCompletedExceptionally()
        ? Optional.of(f.join())
        : Optional.empty();
  }

  /**
   * Forgets the versions whose folders are gone, so that a removed model is not served, and removes
   * their prepared models from the disk cache.
   */
  public void rescan() {
    for (ModelId id : List.copyOf(memory.asMap().keySet())) {
      if (!repository.exists(id)) {
        memory.asMap().remove(id);
        LOG.infof("%s was removed from the repository; unloaded", id);
      }
    }
    failures.keySet().removeIf(id -> !repository.exists(id));
    if (prepared != null) {
      prepared.removeGone(repository::exists);
    }
  }

  private CompletableFuture<PreparedModel> start(ModelRepository.Location location) {
    CompletableFuture<PreparedModel> existing = memory.getIfPresent(location.id());
    if (existing != null && existing.isCompletedExceptionally()) {
      // Caffeine drops a failed future once its callbacks have run; a retry must not wait for that.
      memory.asMap().remove(location.id(), existing);
    }
    return memory
        .get(
            location.id(),
            (id, executor) -> CompletableFuture.supplyAsync(() -> prepare(location), executor))
        .whenComplete(
            (m, e) -> {
              if (e == null) {
                failures.remove(location.id());
              } else {
                ModelException error = asModelException(location.id(), e);
                failures.put(location.id(), new Failure(stamp(location), error));
                LOG.warnf("%s failed to load: %s", location.id(), error.getMessage());
              }
            });
  }

  private PreparedModel prepare(ModelRepository.Location location) {
    long start = System.nanoTime();
    // The SavedModel is written beside the imported files once; from there on it loads as any
    // other.
    location.pendingImport().ifPresent(i -> i.run(location.dir()));
    Path dir = location.dir();
    ModelFile file = ModelFile.read(location.dir());
    LoadOptions options = file.loadOptions();
    ModelMetadata metadata = file.metadata();
    String key = prepared == null ? null : PreparedModelCache.key(dir, options);
    if (key != null) {
      Optional<PreparedModel> cached = prepared.find(key, location.id(), metadata);
      if (cached.isPresent()) {
        LOG.infof(
            "%s loaded from the prepared-model cache in %d ms",
            location.id(), (System.nanoTime() - start) / 1_000_000);
        return cached.get();
      }
    }
    PreparedModel model = SavedModelLoader.load(dir, location.id(), options, metadata);
    if (key != null) {
      prepared.put(key, model);
    }
    LOG.infof(
        "%s prepared in %d ms (%d nodes, %d bytes)",
        location.id(),
        (System.nanoTime() - start) / 1_000_000,
        model.graph().getNodeCount(),
        model.sizeBytes());
    return model;
  }

  /**
   * What a failure is remembered against: the load options and each file's name, size and time.
   * Cheaper than the content hash, and enough to see that someone changed the model since it
   * failed.
   */
  private static String stamp(ModelRepository.Location location) {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(location.dir())) {
      b.append(ModelFile.read(location.dir()).loadOptions());
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        b.append('\n')
            .append(location.dir().relativize(f))
            .append(' ')
            .append(Files.size(f))
            .append(' ')
            .append(Files.getLastModifiedTime(f).toMillis());
      }
      return b.toString();
    } catch (IOException | ModelException e) {
      return b.append("\nunreadable: ").append(e.getMessage()).toString();
    }
  }

  private static ModelException asModelException(ModelId id, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ModelException m) {
      return m;
    }
    LOG.errorf(cause, "%s failed to load", id);
    return new ModelException.Unusable("cannot load " + id + ": " + ErrorText.reason(cause), cause);
  }

  private static PreparedModel join(CompletableFuture<PreparedModel> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ModelException m) {
        throw m;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      LOG.error("model load failed", e.getCause());
      throw new ModelException.Unusable(
          "model load failed: " + ErrorText.reason(e.getCause()), e.getCause());
    }
  }

  @Override
  public void close() {
    loader.shutdownNow();
  }
}
