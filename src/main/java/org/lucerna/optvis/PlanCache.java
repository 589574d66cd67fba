package org.lucerna.optvis;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lucerna.model.ModelId;
import org.lucerna.model.ModelMetadata;
import org.lucerna.model.PreparedModel;

/**
 * The plans of one worker, least recently used evicted first and closed at once. A second render
 * with the same model and spec reuses its plan and builds nothing.
 *
 * <p>Not thread-safe: a worker owns its cache, as it owns its sessions, and an evicted plan is
 * closed on that thread. Caffeine could do that too (its {@code evictionListener} runs during the
 * eviction, and {@code executor(Runnable::run)} keeps its maintenance on the calling thread), but
 * its size policy, W-TinyLFU, picks the victim by frequency and may evict the entry just added:
 * here the plan the caller is about to render with. A worker's few plans want plain
 * least-recently-used order, which an access-ordered {@link LinkedHashMap} gives exactly.
 */
public final class PlanCache implements AutoCloseable {
  /** The metadata is part of the key: a request may override the value range or channel order. */
  private record Key(ModelId model, ModelMetadata metadata, PlanSpec spec) {}

  private final int capacity;
  private final ExecutionOptions execution;
  private final LinkedHashMap<Key, Plan> plans = new LinkedHashMap<>(16, 0.75f, true);
  private long builds;

  public PlanCache(int capacity, ExecutionOptions execution) {
    if (capacity < 1) {
      throw new IllegalArgumentException("plan cache capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.execution = execution;
  }

  /** The plan for {@code spec} on {@code model}, built if this cache does not hold it. */
  public Plan get(PreparedModel model, PlanSpec spec) {
    Key key = new Key(model.id(), model.metadata(), spec);
    Plan plan = plans.get(key);
    if (plan != null) {
      return plan;
    }
    plan = Plan.build(model, spec, execution);
    builds++;
    plans.put(key, plan);
    Iterator<Map.Entry<Key, Plan>> eldest = plans.entrySet().iterator();
    while (plans.size() > capacity) {
      eldest.next().getValue().close();
      eldest.remove();
    }
    return plan;
  }

  /** Closes and forgets a plan that failed mid-render, whose state is no longer trusted. */
  public void discard(PreparedModel model, PlanSpec spec) {
    Plan plan = plans.remove(new Key(model.id(), model.metadata(), spec));
    if (plan != null) {
      plan.close();
    }
  }

  public int size() {
    return plans.size();
  }

  /** How many plans this cache has built: a render that reused one built none. */
  public long builds() {
    return builds;
  }

  @Override
  public void close() {
    plans.values().forEach(Plan::close);
    plans.clear();
  }
}
