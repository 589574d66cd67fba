package org.lucerna.model;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The model of a request that names none: {@code lucerna.models.default} when the repository has
 * it, else the built-in tiny CNN, so that a service whose model zoo could not be fetched still
 * renders.
 */
@ApplicationScoped
public class DefaultModel {
  private static final Logger LOG = Logger.getLogger(DefaultModel.class);

  private final ModelsConfig config;
  private final ModelRegistry registry;
  private final AtomicBoolean warned = new AtomicBoolean();

  public DefaultModel(ModelsConfig config, ModelRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  public String name() {
    String wanted = config.defaultModel();
    if (!config.builtin()
        || wanted.equals(TinyCnn.NAME)
        || java.nio.file.Files.isDirectory(registry.repository().root().resolve(wanted))) {
      return wanted;
    }
    if (warned.compareAndSet(false, true)) {
      LOG.warnf(
          "the default model %s is not in %s; requests without a model get the built-in %s",
          wanted, registry.repository().root(), TinyCnn.NAME);
    }
    return TinyCnn.NAME;
  }
}
