package org.lucerna.model;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** The model registry of the service, and the built-in model written at start-up. */
public class ModelBeans {
  private static final Logger LOG = Logger.getLogger(ModelBeans.class);

  @Produces
  @Singleton
  ModelRegistry registry(ModelsConfig config, Instance<ModelImporter> importers) {
    // The importers are beans of their own packages (model.tfjs), which this package does not name.
    return new ModelRegistry(
        new ModelRepository(config.root(), importers.stream().toList()),
        new PreparedModelCache(config.preparedDirOrDefault()),
        config.cacheBytes());
  }

  void close(@Disposes ModelRegistry registry) {
    registry.close();
  }

  // Before the default observer priority: before the worker pool starts warming the default model.
  void writeBuiltin(
      @Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event,
      ModelsConfig config,
      ModelRegistry registry) {
    if (!config.builtin()) {
      return;
    }
    Path dir = registry.repository().root().resolve(TinyCnn.NAME).resolve("1");
    if (Files.exists(dir.resolve("saved_model.pb"))) {
      return;
    }
    try {
      TinyCnn.write(dir);
      LOG.infof("wrote the built-in model %s to %s", TinyCnn.NAME, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the built-in model to " + dir, e);
    }
  }
}
