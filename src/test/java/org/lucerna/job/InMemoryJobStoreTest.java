package org.lucerna.job;

class InMemoryJobStoreTest extends JobStoreContract {
  private final JobStore store = new InMemoryJobStore();

  @Override
  protected JobStore store() {
    return store;
  }
}
