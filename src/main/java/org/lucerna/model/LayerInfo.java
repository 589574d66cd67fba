package org.lucerna.model;

import java.util.Arrays;

/**
 * A layer that an objective can name.
 *
 * @param name the name its author knows it by ({@code conv2d_1}, {@code mixed4})
 * @param output the tensor of the frozen graph that holds its activations ({@code node:0})
 * @param opType the op that produces that tensor
 * @param shape NHWC or NC, -1 where a dimension depends on the input
 */
public record LayerInfo(String name, String output, String opType, long[] shape) {

  /** Channels are the last dimension: NHWC for spatial layers, NC for dense ones. */
  public int channels() {
    return (int) shape[shape.length - 1];
  }

  public boolean spatial() {
    return shape.length == 4;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerInfo l
        && name.equals(l.name)
        && output.equals(l.output)
        && opType.equals(l.opType)
        && Arrays.equals(shape, l.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + output.hashCode();
  }

  @Override
  public String toString() {
    return name + " " + opType + Arrays.toString(shape);
  }
}
