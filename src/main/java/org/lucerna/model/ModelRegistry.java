package org.lucerna.model;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prepared models, loaded once each and shared: concurrent requests for a model that is still loading
 * wait for the one load instead of starting their own.
 */
public final class ModelRegistry {
  private final ModelRepository repository;
  private final Map<ModelId, CompletableFuture<PreparedModel>> loaded = new ConcurrentHashMap<>();

  public ModelRegistry(ModelRepository repository) {
    this.repository = repository;
  }

  public ModelRepository repository() {
    return repository;
  }

  public PreparedModel get(String name, OptionalLong version) {
    ModelRepository.Location location = repository.resolve(name, version);
    CompletableFuture<PreparedModel> mine = new CompletableFuture<>();
    CompletableFuture<PreparedModel> future = loaded.putIfAbsent(location.id(), mine);
    if (future == null) {
      future = mine;
      try {
        mine.complete(SavedModelLoader.load(
            location.dir(), location.id(), LoadOptions.DEFAULT, ModelMetadata.DEFAULT));
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
      }
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      loaded.remove(location.id(), future); // a failed load is retried by the next request
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new ModelException.Unusable("cannot load " + location.id() + ": " + e.getCause(), e.getCause());
    }
  }
}
