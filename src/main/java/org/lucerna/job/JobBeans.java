package org.lucerna.job;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The implementations the service runs with; a deployment with shared storage swaps them here. */
public class JobBeans {

  @Produces
  @Singleton
  JobStore jobStore(JobsConfig config) {
    return onDisk(config)
        ? new FileJobStore(config.data().dir().resolve("jobs"))
        : new InMemoryJobStore();
  }

  @Produces
  @Singleton
  ImageStore imageStore(JobsConfig config) {
    return onDisk(config)
        ? new FileImageStore(config.data().dir().resolve("images"))
        : new InMemoryImageStore();
  }

  @Produces
  @Singleton
  SweepStore sweepStore(JobsConfig config) {
    return onDisk(config)
        ? new SweepStore(config.data().dir().resolve("sweeps"))
        : new SweepStore();
  }

  private static boolean onDisk(JobsConfig config) {
    return switch (config.data().store()) {
      case "file" -> true;
      case "memory" -> false;
      default ->
          throw new IllegalArgumentException(
              "lucerna.data.store must be 'file' or 'memory', got '" + config.data().store() + "'");
    };
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
