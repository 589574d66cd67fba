package org.lucerna.job;

/** Jobs in memory only: for tests and for a single instance that need not survive a restart. */
public final class InMemoryJobStore extends IndexedJobStore {

  @Override
  protected void stored(Job job) {}

  @Override
  protected void removed(String id) {}
}
