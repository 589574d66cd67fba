package org.lucerna.api.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.lucerna.job.JobQueue;
import org.lucerna.job.WorkerPool;

/**
 * {@code /q/health/ready}: UP while workers can take jobs. A full queue leaves it UP on purpose:
 * the pod still answers (503 with Retry-After, and every status poll), and taking it out of the
 * Service would only move its clients' polls to nowhere.
 */
@Readiness
@ApplicationScoped
public class ReadyCheck implements HealthCheck {
  private final WorkerPool workers;
  private final JobQueue queue;

  public ReadyCheck(WorkerPool workers, JobQueue queue) {
    this.workers = workers;
    this.queue = queue;
  }

  @Override
  public HealthCheckResponse call() {
    boolean draining = workers.draining();
    int alive = draining ? 0 : workers.aliveWorkers();
    return HealthCheckResponse.named("workers")
        .status(!draining && alive > 0)
        .withData("aliveWorkers", alive)
        .withData("draining", draining)
        .withData("queued", queue.size())
        .build();
  }
}
