package org.lucerna.model;

import java.util.Arrays;

/**
 * The tensor a model reads its images from.
 *
 * @param node the op that the optimizer's image is wired into (a Placeholder of the frozen graph)
 * @param shape NHWC, -1 where a dimension is free. A model whose input is not an image keeps its
 *     real shape (MNIST's {@code [-1, 784]}); {@link #height()}, {@link #width()} and {@link
 *     #channels()} are for rank-4 inputs, and the optimizer refuses (or reshapes for) the others.
 */
public record InputSpec(String node, long[] shape) {

  public boolean isImage() {
    return shape.length == 4;
  }

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
    return o instanceof InputSpec other
        && node.equals(other.node)
        && Arrays.equals(shape, other.shape);
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
