package org.lucerna.job;

import org.lucerna.optvis.PlanMemory;

/**
 * A request whose render would need more memory than {@code lucerna.limits.max-plan-bytes}: the
 * estimate by part, the limit, and what drives it (image size, batch, and the largest image the
 * transforms can make).
 */
public final class PlanTooLargeException extends RuntimeException {
  /** The request fields the memory of a render grows with. */
  public static final java.util.List<String> FIELDS =
      java.util.List.of("size", "height", "width", "batch", "transforms");

  private final transient PlanMemory.Estimate estimate;
  private final long limit;

  public PlanTooLargeException(
      PlanMemory.Estimate estimate, long limit, int batch, int largestHeight, int largestWidth) {
    super(
        "the render would need about "
            + estimate.describe()
            + ", more than lucerna.limits.max-plan-bytes, "
            + PlanMemory.bytes(limit)
            + " ("
            + limit
            + " bytes); it grows with the image size (height × width), the batch ("
            + batch
            + ") and the largest image the transforms can make ("
            + largestHeight
            + "×"
            + largestWidth
            + " px): render fewer or smaller images, or use smaller pads and scale factors");
    this.estimate = estimate;
    this.limit = limit;
  }

  public PlanMemory.Estimate estimate() {
    return estimate;
  }

  public long limit() {
    return limit;
  }
}
