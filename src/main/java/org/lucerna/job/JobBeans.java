package org.lucerna.job;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The implementations the service runs with; a deployment with shared storage swaps them here. */
public class JobBeans {

  @Produces
  @Singleton
  JobStore jobStore() {
    return new InMemoryJobStore();
  }

  @Produces
  @Singleton
  ImageStore imageStore() {
    return new InMemoryImageStore();
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
