package org.lucerna.job;

import java.util.Optional;

/**
 * Where rendered PNGs are kept, by job and name ({@code final}, {@code step-64}, ...). Small so
 * that a shared implementation (object storage, a database) can stand in for the local one.
 */
public interface ImageStore {

  void put(String jobId, String name, byte[] png);

  Optional<byte[]> get(String jobId, String name);

  void deleteAll(String jobId);
}
