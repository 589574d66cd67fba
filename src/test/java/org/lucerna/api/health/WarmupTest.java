package org.lucerna.api.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lucerna.model.ModelException;
import org.lucerna.model.TinyCnn;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.testing.TestModels;

class WarmupTest {

  @Test
  void warmsTheBuiltInModel() {
    Warmup.Warmed warmed = new Warmup(TestModels.registry(), TinyCnn.NAME, ExecutionOptions.CPU_DEFAULT).run();
    assertEquals(TinyCnn.NAME, warmed.model().name());
    assertEquals(1, warmed.model().version());
    assertTrue(warmed.firstPlan().toNanos() > 0);
  }

  @Test
  void aMissingModelFailsTheWarmUpWithItsName() {
    ModelException e = assertThrows(ModelException.class,
        () -> new Warmup(TestModels.registry(), "no_such_model", ExecutionOptions.CPU_DEFAULT).run());
    assertTrue(e.getMessage().contains("no_such_model"), e.getMessage());
  }
}
