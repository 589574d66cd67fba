package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.model.ModelId;
import org.lucerna.model.TinyCnn;
import org.lucerna.optvis.Device;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

class WarmupTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Test
  void everyWorkerRunsAStepOfTheStandardRecipeOnItsDeviceIntoItsPlanCache() throws Exception {
    WorkerPool pool = WarmingPools.of(TinyCnn.NAME, 2);
    assertFalse(pool.warmup().done(), "no worker, nothing warmed");
    pool.start(null);
    try {
      WarmupState state = WarmingPools.await(pool, WarmupState::done, PATIENCE);
      assertEquals(TinyCnn.NAME, state.model());
      assertEquals(
          List.of("lucerna-worker-cpu-0", "lucerna-worker-cpu-1"),
          state.workers().stream().map(WarmupState.Worker::name).toList());
      PlanSpec recipe = Warmup.recipe(Warmup.objective(TestModels.tinyCnn(), "mixed4"));
      assertEquals(128, recipe.height());
      assertEquals(Transforms.standard(), recipe.transforms());
      for (WarmupState.Worker w : state.workers()) {
        assertEquals(Device.CPU, w.device(), w.name());
        assertEquals(1, w.attempts(), w.name());
        assertNull(w.lastFailure(), w.name());
        assertEquals(new ModelId(TinyCnn.NAME, 1), w.warmed().model(), w.name());
        assertEquals(recipe, w.warmed().plan(), w.name() + "'s plan cache holds the recipe's plan");
        assertEquals(1, w.warmed().steps(), w.name() + " ran its step");
        assertTrue(w.warmed().firstPlan().toNanos() > 0, w.name());
      }
    } finally {
      pool.stop(null);
    }
  }

  @Test
  void aMissingModelFailsTheWarmUpWithItsNameOnEveryWorker() throws Exception {
    WorkerPool pool = WarmingPools.of("no_such_model", 2);
    pool.start(null);
    try {
      WarmupState state =
          WarmingPools.await(
              pool, s -> s.workers().stream().allMatch(w -> w.attempts() > 0), PATIENCE);
      assertFalse(state.done());
      for (WarmupState.Worker w : state.workers()) {
        assertNull(w.warmed(), w.name());
        assertTrue(w.lastFailure().contains("no_such_model"), w.lastFailure());
      }
    } finally {
      pool.stop(null);
    }
  }
}
