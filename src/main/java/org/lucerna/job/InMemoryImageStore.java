package org.lucerna.job;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Images in memory: for tests and for runs that need not survive a restart. */
public final class InMemoryImageStore implements ImageStore {
  private final Map<String, Map<String, byte[]>> images = new ConcurrentHashMap<>();

  @Override
  public void put(String jobId, String name, byte[] png) {
    images.computeIfAbsent(jobId, k -> new ConcurrentHashMap<>()).put(name, png.clone());
  }

  @Override
  public Optional<byte[]> get(String jobId, String name) {
    return Optional.ofNullable(images.getOrDefault(jobId, Map.of()).get(name)).map(byte[]::clone);
  }

  @Override
  public void deleteAll(String jobId) {
    images.remove(jobId);
  }
}
