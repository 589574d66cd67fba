package org.lucerna.api.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;
import org.lucerna.job.WarmupState;
import org.lucerna.job.WorkerPool;

/**
 * {@code /q/health/started}: UP once every worker has loaded the default model and run a first plan
 * on its device. The figures are the slowest worker's: what start-up waited for.
 */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {
  private final WorkerPool workers;

  public StartedCheck(WorkerPool workers) {
    this.workers = workers;
  }

  @Override
  public HealthCheckResponse call() {
    WarmupState s = workers.warmup();
    HealthCheckResponseBuilder r =
        HealthCheckResponse.named("models warmed")
            .withData("model", s.model())
            .withData("workers", s.workers().size());
    if (s.done()) {
      WarmupState.Warmed slowest = s.slowest().orElseThrow();
      return r.up()
          .withData("version", slowest.model().version())
          .withData("loadMillis", slowest.load().toMillis())
          .withData("firstPlanMillis", slowest.firstPlan().toMillis())
          .build();
    }
    r.down().withData("attempts", s.attempts());
    s.lastFailure().ifPresent(f -> r.withData("lastFailure", f));
    return r.build();
  }
}
