package org.lucerna.model;

import java.util.Arrays;

/**
 * The tensor a model reads its images from.
 *
 * @param node the op that the optimizer's image is wired into (a Placeholder of the frozen graph)
 * @param shape NHWC, -1 where a dimension is free
 */
public record InputSpec(String node, long[] shape) {

  public int channels() {
    return (int) shape[3];
  }

  /** The fixed height and width, or -1 where the model takes any size. */
  public long height() {
    return shape[1];
  }

  public long width() {
    return shape[2];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputSpec other && node.equals(other.node) && Arrays.equals(shape, other.shape);
  }

  @Override
  public int hashCode() {
    return node.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return node + Arrays.toString(shape);
  }
}
