package org.lucerna.model;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;

/**
 * Keeps the registry in step with the repository folder: models added are found by each request as
 * it comes; removed ones leave memory here.
 */
@Singleton
public class ModelRescan {
  private final ModelRegistry registry;

  public ModelRescan(ModelRegistry registry) {
    this.registry = registry;
  }

  @Scheduled(
      every = "${lucerna.models.rescan-interval:30s}",
      delayed = "${lucerna.models.rescan-interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void rescan() {
    registry.rescan();
  }
}
