package org.lucerna.optvis;

import org.lucerna.optvis.param.ImageParametrization;
import org.lucerna.optvis.param.ParamSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Draws one image of a finished CPPN render again, {@code scale} times larger over the same
 * picture: its final network evaluated on a grid {@code scale} times denser, in a graph of its own
 * (the network, colors and squash; no model). The pixels go through in bands of rows so that a
 * large drawing holds one band's hidden layers at a time.
 */
public final class CppnDrawing {
  /**
   * Pixels evaluated per run: the network holds about a hundred floats per pixel per layer, so a
   * band is about 25 MB.
   */
  static final int BAND_PIXELS = 1 << 16;

  private CppnDrawing() {}

  /**
   * The image of {@code parameters} (one batch element's final parameters, {@link
   * RenderResult#parameters(int)}) of a render of {@code spec} at {@code height × width}, drawn
   * {@code scale} times larger.
   *
   * @throws IllegalArgumentException when {@code spec} is not redrawable, the parameters are no
   *     CPPN's, or the scale or drawn size is past {@link FormatLimits}
   */
  public static ImageBatch draw(
      ParamSpec spec, int height, int width, float[] parameters, int scale) {
    if (scale < 1 || scale > FormatLimits.MAX_DRAWING_SCALE) {
      throw new IllegalArgumentException(
          "scale must be 1 to " + FormatLimits.MAX_DRAWING_SCALE + ", got " + scale);
    }
    if ((long) Math.max(height, width) * scale > FormatLimits.MAX_DRAWN_SIDE) {
      throw new IllegalArgumentException(
          "a drawing may have sides of at most " + FormatLimits.MAX_DRAWN_SIDE + " pixels");
    }
    int channels = ImageParametrization.cppnChannels(parameters.length);
    if (channels < 1) {
      throw new IllegalArgumentException(parameters.length + " values are no CPPN's parameters");
    }
    ImageParametrization param = ImageParametrization.of(spec, 1, height, width, channels);
    if (!param.redrawable()) {
      throw new IllegalArgumentException("a " + spec.kind() + " render cannot be drawn again");
    }
    int rows = height * scale;
    int columns = width * scale;
    int band = Math.max(1, BAND_PIXELS / columns);
    float[] pixels = new float[rows * columns * channels];
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> weights =
          tf.constant(Shape.of(1, parameters.length), DataBuffers.of(parameters, true, false));
      Placeholder<TFloat32> xy = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
      Operand<TFloat32> out = param.pixelsAt(tf, weights, xy);
      for (int from = 0; from < rows; from += band) {
        int n = Math.min(band, rows - from);
        float[] points = param.coordinates(scale, from, n);
        try (TFloat32 fed =
                TFloat32.tensorOf(Shape.of(n * columns, 2), DataBuffers.of(points, true, false));
            Result r = s.runner().feed(xy, fed).fetch(out).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] values = new float[n * columns * channels];
          t.copyTo(DataBuffers.of(values, false, false));
          System.arraycopy(values, 0, pixels, from * columns * channels, values.length);
        }
      }
    }
    return new ImageBatch(1, rows, columns, channels, pixels);
  }
}
