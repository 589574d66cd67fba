package org.lucerna.optvis;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * Where and how a plan's session runs.
 *
 * @param intraOpThreads threads inside one op; 0 lets TensorFlow choose (all cores)
 * @param interOpThreads ops run side by side; 0 lets TensorFlow choose. Fixed by the first session
 *     of the process, whatever later ones ask.
 */
public record ExecutionOptions(Device device, int intraOpThreads, int interOpThreads) {

  public static final ExecutionOptions CPU_DEFAULT = new ExecutionOptions(Device.CPU, 0, 0);

  /**
   * The session configuration. GPU memory grows on demand so that several workers can share a card,
   * and soft placement lets ops without a GPU kernel fall back to the CPU. The list of visible GPUs
   * is left alone: TensorFlow fixes it per process, so each plan selects its card by op placement.
   */
  public ConfigProto toConfigProto() {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOpThreads)
        .setInterOpParallelismThreads(interOpThreads)
        .setAllowSoftPlacement(true)
        .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true))
        .build();
  }
}
