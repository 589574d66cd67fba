package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.lucerna.model.PreparedModel;
import org.lucerna.testing.TestModels;

class PlanCacheTest {
  private final PreparedModel model = TestModels.tinyCnn();

  @Test
  void aSecondJobOfTheSameStructureReusesThePlan() {
    try (PlanCache cache = new PlanCache(2, ExecutionOptions.CPU_DEFAULT)) {
      Plan first = cache.get(model, PlanSpec.of(16, 16, 1, Objectives.channel("conv2", 1)));
      Plan second =
          cache.get(model, PlanSpec.of(16, 16, 1, Objectives.channel("conv2", 30).times(2)));
      assertSame(first, second);
      assertEquals(1, cache.builds());
      second.render(Objectives.channel("conv2", 30), new RenderSettings(1, 1), RenderListener.NONE);
    }
  }

  @Test
  void theLeastRecentlyUsedPlanIsEvictedAndClosed() {
    try (PlanCache cache = new PlanCache(1, ExecutionOptions.CPU_DEFAULT)) {
      Plan a = cache.get(model, PlanSpec.of(16, 16, 1, Objectives.channel("conv1", 0)));
      cache.get(model, PlanSpec.of(20, 20, 1, Objectives.channel("conv1", 0)));
      assertEquals(1, cache.size());
      assertEquals(2, cache.builds());
      assertThrows(
          IllegalStateException.class,
          () ->
              a.render(
                  Objectives.channel("conv1", 0), new RenderSettings(1, 1), RenderListener.NONE));
    }
  }
}
