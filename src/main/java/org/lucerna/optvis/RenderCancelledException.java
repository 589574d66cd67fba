package org.lucerna.optvis;

/** A render stopped because its listener asked it to. */
public final class RenderCancelledException extends RuntimeException {
  private final int step;

  public RenderCancelledException(int step) {
    super("render stopped after step " + step);
    this.step = step;
  }

  public int step() {
    return step;
  }
}
