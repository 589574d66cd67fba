package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class ExecutionOptionsTest {

  @Test
  void devicesParseFromConfiguration() {
    assertEquals(Device.CPU, Device.parse("cpu"));
    assertEquals(new Device(Device.Kind.GPU, 1), Device.parse(" GPU:1 "));
    assertEquals("/device:GPU:3", Device.parse("gpu:3").tensorflowName());
    assertEquals("/device:CPU:0", Device.CPU.tensorflowName());
    assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu:0"));
    assertThrows(IllegalArgumentException.class, () -> Device.parse("gpu:"));
  }

  @Test
  void sessionsShareGpusAndFallBackToTheCpuForOpsWithoutAGpuKernel() {
    ConfigProto config = new ExecutionOptions(Device.parse("gpu:1"), 2, 3).toConfigProto();
    assertEquals(2, config.getIntraOpParallelismThreads());
    assertEquals(3, config.getInterOpParallelismThreads());
    assertTrue(config.getAllowSoftPlacement());
    assertTrue(config.getGpuOptions().getAllowGrowth());
    // The visible-device list is per process in TensorFlow; plans select their GPU by placement
    // instead.
    assertEquals("", config.getGpuOptions().getVisibleDeviceList());
  }
}
