package org.lucerna.api.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.lucerna.job.WorkerPool;

/**
 * {@code /q/health/live}: DOWN only when a worker thread died while the pool was running, which
 * nothing short of a restart repairs. Slow renders and a full queue are not reasons to restart a
 * pod; a draining pool's workers end on purpose.
 */
@Liveness
@ApplicationScoped
public class LiveCheck implements HealthCheck {
  private final WorkerPool workers;

  public LiveCheck(WorkerPool workers) {
    this.workers = workers;
  }

  @Override
  public HealthCheckResponse call() {
    if (workers.draining()) {
      return HealthCheckResponse.named("worker threads").up().withData("draining", true).build();
    }
    int alive = workers.aliveWorkers();
    return HealthCheckResponse.named("worker threads")
        .status(alive == workers.size())
        .withData("aliveWorkers", alive)
        .withData("workers", workers.size())
        .build();
  }
}
