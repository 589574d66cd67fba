package org.lucerna.optvis;

import java.util.Map;

/**
 * What a render produced.
 *
 * @param objectives the total objective at each step, before that step's update
 * @param attribution the transparency map {@code [B, H, W]} row-major: per pixel, the sum over
 *     steps and channels of |∂loss/∂image| (MACO's), see {@link TransparencyMap}
 * @param parameters the final parameters, a row of {@code P} values per batch element, when the
 *     parametrization can draw them again at another size ({@link CppnDrawing}); otherwise null
 */
public record RenderResult(
    ImageBatch image,
    Map<Integer, ImageBatch> snapshots,
    double[] objectives,
    float[] attribution,
    float[] parameters) {

  /** Batch element {@code b}'s final parameters, or null when they are not kept. */
  public float[] parameters(int b) {
    if (parameters == null) {
      return null;
    }
    int each = parameters.length / image.batch();
    float[] one = new float[each];
    System.arraycopy(parameters, b * each, one, 0, each);
    return one;
  }

  public double firstObjective() {
    return objectives[0];
  }

  public double lastObjective() {
    return objectives[objectives.length - 1];
  }

  /** Batch element {@code b}'s transparency map. */
  public TransparencyMap transparency(int b) {
    int n = image.height() * image.width();
    float[] one = new float[n];
    System.arraycopy(attribution, b * n, one, 0, n);
    return new TransparencyMap(image.height(), image.width(), one);
  }
}
