package org.lucerna.job;

class InMemoryImageStoreTest extends ImageStoreContract {
  private final ImageStore store = new InMemoryImageStore();

  @Override
  protected ImageStore store() {
    return store;
  }
}
