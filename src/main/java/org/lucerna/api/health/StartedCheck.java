package org.lucerna.api.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;

/** {@code /q/health/started}: UP once the default model is loaded and a first plan has run. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {
  private final WarmupState warmup;

  public StartedCheck(WarmupState warmup) {
    this.warmup = warmup;
  }

  @Override
  public HealthCheckResponse call() {
    WarmupState.Status s = warmup.status();
    HealthCheckResponseBuilder r = HealthCheckResponse.named("models warmed").withData("model", warmup.model());
    if (s.done()) {
      return r.up()
          .withData("version", s.warmed().model().version())
          .withData("loadMillis", s.warmed().load().toMillis())
          .withData("firstPlanMillis", s.warmed().firstPlan().toMillis())
          .build();
    }
    r.down().withData("attempts", s.attempts());
    if (s.lastFailure() != null) {
      r.withData("lastFailure", s.lastFailure());
    }
    return r.build();
  }
}
