package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.param.ParamSpec.Kind;
import org.lucerna.optvis.param.ParamSpec.Squash;
import org.tensorflow.ndarray.Shape;

/** The CPPN parametrization against the network written out in Java, and its gradient. */
class CppnTest {
  private static final ParamSpec CPPN = new ParamSpec(Kind.CPPN, 1, false, Squash.SIGMOID, 1);

  @Test
  void theImageIsTheNetworkOfThePixelCoordinates() {
    int batch = 2;
    int h = 5;
    int w = 7;
    int channels = 3;
    Cppn cppn = new Cppn(batch, h, w, channels);
    assertEquals(Shape.of(2, 72 + 7 * (48 * 24 + 24) + 49 * 3), cppn.parameterShape());
    float[] params = GraphRunner.normal(cppn.parameterShape(), 5, 0.3);
    float[] image = GraphRunner.run(cppn.parameterShape(), params, cppn::toImage);
    int per = Cppn.parametersPerImage(channels);
    for (int b = 0; b < batch; b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          // Pixel centres, the longer side (7) spanning ±√3.
          double u = 2 * Math.sqrt(3) / 7;
          double[] out = direct(params, b * per, (x + 0.5 - 3.5) * u, (y + 0.5 - 2.5) * u, 3);
          for (int c = 0; c < channels; c++) {
            assertEquals(
                out[c], image[((b * h + y) * w + x) * channels + c], 1e-4, b + "," + y + "," + x);
          }
        }
      }
    }
  }

  /** One pixel of the network in double precision: weights {@code [in, out]} then biases. */
  private static double[] direct(float[] p, int offset, double x, double y, int channels) {
    double[] v = {x, y};
    int i = offset;
    for (int layer = 0; layer <= Cppn.LAYERS; layer++) {
      int out = layer == Cppn.LAYERS ? channels : Cppn.HIDDEN;
      double[] z = new double[out];
      for (int k = 0; k < v.length; k++) {
        for (int j = 0; j < out; j++) {
          z[j] += v[k] * p[i + k * out + j];
        }
      }
      i += v.length * out;
      for (int j = 0; j < out; j++) {
        z[j] += p[i + j];
      }
      i += out;
      if (layer == Cppn.LAYERS) {
        return z;
      }
      v = new double[2 * out];
      for (int j = 0; j < out; j++) {
        double a = Math.atan(z[j]);
        v[j] = a / 0.67;
        v[out + j] = a * a / 0.6;
      }
    }
    throw new AssertionError();
  }

  @Test
  void theGradientEqualsFiniteDifferencesThroughColorsAndSigmoid() {
    ImageParametrization p = ImageParametrization.of(CPPN.withDecorrelate(true), 2, 6, 5, 3);
    Shape shape = p.parameterShape();
    SplittableRandom pick = new SplittableRandom(5);
    int per = (int) (shape.size() / 2);
    // Half from the first layers, half from the last ones, of either image.
    int[] indices = new int[16];
    for (int n = 0; n < indices.length; n++) {
      indices[n] =
          pick.nextInt(2) * per + (n % 2 == 0 ? pick.nextInt(200) : per - 1 - pick.nextInt(200));
    }
    GraphRunner.assertGradientIsFiniteDifferences(
        p, GraphRunner.normal(shape, 3, 0.3), GraphRunner.normal(p.imageShape(), 4, 1), indices);
  }

  @Test
  void itStartsGrayWithUnitVarianceLayersAndCannotStartFromAPicture() {
    ImageParametrization p = ImageParametrization.of(CPPN, 2, 8, 8, 3);
    float[] init = p.initialParameters(7);
    int per = p.parametersPerImage();
    assertEquals(2 * per, init.length);
    // Layer 1 (48 inputs): weights N(0, 1/48), then 24 zero biases.
    int from = 2 * 24 + 24;
    double sq = 0;
    for (int i = from; i < from + 48 * 24; i++) {
      sq += init[i] * init[i];
    }
    assertEquals(Math.sqrt(1.0 / 48), Math.sqrt(sq / (48 * 24)), 0.02);
    for (int i = from + 48 * 24; i < from + 48 * 24 + 24; i++) {
      assertEquals(0, init[i], 0f);
    }
    // The two images' networks differ; the last layer starts at zero, so the image is gray.
    assertTrue(init[0] != init[per]);
    for (int i = per - 49 * 3; i < per; i++) {
      assertEquals(0, init[i], 0f);
    }
    float[] image = GraphRunner.run(p.parameterShape(), init, p::image);
    for (float v : image) {
      assertEquals(0.5, v, 1e-6);
    }
    assertFalse(Kind.CPPN.startsFromPicture());
    assertTrue(p.redrawable());
    assertFalse(ImageParametrization.of(ParamSpec.DEFAULT, 1, 8, 8, 3).redrawable());
    assertThrows(IllegalArgumentException.class, () -> p.parametersFor(new float[2 * 8 * 8 * 3]));
    assertEquals(3, ImageParametrization.cppnChannels(per));
    assertEquals(-1, ImageParametrization.cppnChannels(per + 1));
  }

  @Test
  void aDenserGridAveragesBackToThePixelCoordinates() {
    int scale = 4;
    float[] one = Cppn.coordinates(3, 5, 1, 0, 3);
    float[] dense = Cppn.coordinates(3, 5, scale, 0, 3 * scale);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        for (int k = 0; k < 2; k++) {
          double mean = 0;
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              mean += dense[((y * scale + dy) * 5 * scale + x * scale + dx) * 2 + k];
            }
          }
          assertEquals(one[(y * 5 + x) * 2 + k], mean / (scale * scale), 1e-6);
        }
      }
    }
    assertEquals(-Math.sqrt(3) * 4 / 5, one[0], 1e-6); // x of the first centre
    assertEquals(Math.sqrt(3) * 4 / 5, one[(3 * 5 - 1) * 2], 1e-6);
  }
}
