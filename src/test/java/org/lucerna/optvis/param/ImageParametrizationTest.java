package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.param.ParamSpec.Kind;
import org.lucerna.optvis.param.ParamSpec.Squash;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class ImageParametrizationTest {
  private static final ParamSpec LINEAR_FOURIER =
      new ParamSpec(Kind.FOURIER, 0, false, Squash.SIGMOID, 1);

  @Test
  void theFourierMapAtDecayZeroIsOrthonormalOnEvenAndOddSizes() {
    int[][] sizes = {{4, 4}, {5, 7}, {8, 6}, {9, 11}, {1, 3}};
    for (int[] hw : sizes) {
      int n = hw[0] * hw[1];
      // One unit vector per batch element: the output batch is the Jacobian, column by column.
      ImageParametrization p = ImageParametrization.of(LINEAR_FOURIER, n, hw[0], hw[1], 1);
      float[] identity = new float[n * n];
      for (int i = 0; i < n; i++) {
        identity[i * n + i] = 1;
      }
      float[] jacobian = GraphRunner.run(p.parameterShape(), identity, (tf, x) -> p.linear(tf, x));
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          double dot = 0;
          for (int pixel = 0; pixel < n; pixel++) {
            dot += (double) jacobian[a * n + pixel] * jacobian[b * n + pixel];
          }
          assertEquals(a == b ? 1 : 0, dot, 1e-5, hw[0] + "x" + hw[1] + " columns " + a + "," + b);
        }
      }
    }
  }

  @Test
  void theFourierMapAtDecayZeroKeepsNormsAndAnglesOn33By32() {
    ImageParametrization p = ImageParametrization.of(LINEAR_FOURIER, 2, 33, 32, 3);
    float[] params = gaussian(p.parameterShape(), 5);
    float[] image = GraphRunner.run(p.parameterShape(), params, (tf, x) -> p.linear(tf, x));
    int half = params.length / 2;
    assertEquals(dot(params, 0, params, 0, half), dot(image, 0, image, 0, half), 1e-3);
    assertEquals(dot(params, half, params, half, half), dot(image, half, image, half, half), 1e-3);
    // The two batch elements' parameters are almost orthogonal; the images must keep that inner
    // product.
    assertEquals(dot(params, 0, params, half, half), dot(image, 0, image, half, half), 1e-3);
  }

  @Test
  void decayScalesEachFrequencyByItsDistanceFromZero() {
    double[] s = FourierSpectrum.frequencyScale(4, 6, 1);
    assertEquals(Math.sqrt(24), s[0], 1e-12);
    // Row 2 of a height-4 basis is the Nyquist frequency 0.5, column 3 of width 6 also 0.5.
    assertEquals(1 / (Math.sqrt(0.5) + 1 / Math.sqrt(24)), s[2 * 6 + 3], 1e-12);
    for (double v : FourierSpectrum.frequencyScale(5, 3, 0)) {
      assertEquals(1, v);
    }
  }

  @Test
  void aStartingImageMapsToParametersAndBackUnchanged() {
    ParamSpec[] specs = {
      ParamSpec.DEFAULT,
      ParamSpec.DEFAULT.withDecay(2).withGain(4),
      ParamSpec.DEFAULT.withSquash(Squash.CLIP),
      ParamSpec.pixel(true, Squash.SIGMOID),
      ParamSpec.pixel(false, Squash.CLIP)
    };
    int[][] shapes = {{2, 12, 12, 3}, {1, 9, 14, 3}, {1, 7, 5, 1}, {2, 6, 8, 4}};
    for (ParamSpec spec : specs) {
      for (int[] s : shapes) {
        ImageParametrization p = ImageParametrization.of(spec, s[0], s[1], s[2], s[3]);
        float[] image = uniform(s[0] * s[1] * s[2] * s[3], 0.02, 0.98, 11);
        float[] params = p.parametersFor(image);
        assertEquals(p.parameterShape().size(), params.length);
        float[] back = GraphRunner.run(p.parameterShape(), params, (tf, x) -> p.image(tf, x));
        assertArrayEquals(image, back, 2e-5f, spec + " on " + Arrays.toString(s));
      }
    }
  }

  @Test
  void exactBlackAndWhiteAreNudgedInsideTheSigmoidRange() {
    ImageParametrization p = ImageParametrization.of(ParamSpec.DEFAULT, 1, 4, 4, 3);
    float[] image = new float[48];
    for (int i = 0; i < image.length; i += 2) {
      image[i] = 1;
    }
    float[] back =
        GraphRunner.run(p.parameterShape(), p.parametersFor(image), (tf, x) -> p.image(tf, x));
    for (int i = 0; i < image.length; i++) {
      double expected =
          image[i] == 1
              ? 1 - ImageParametrization.SIGMOID_EPSILON
              : ImageParametrization.SIGMOID_EPSILON;
      assertEquals(expected, back[i], 1e-5);
      assertEquals(Math.round(image[i] * 255), Math.round(back[i] * 255));
    }
  }

  @Test
  void decorrelationAppliesToRgbOnly() {
    assertTrue(ImageParametrization.of(ParamSpec.DEFAULT, 1, 4, 4, 3).decorrelated());
    assertFalse(ImageParametrization.of(ParamSpec.DEFAULT, 1, 4, 4, 1).decorrelated());
    assertFalse(ImageParametrization.of(ParamSpec.DEFAULT, 1, 4, 4, 5).decorrelated());
    assertFalse(
        ImageParametrization.of(ParamSpec.DEFAULT.withDecorrelate(false), 1, 4, 4, 3)
            .decorrelated());
    // The color matrix mixes channels: one non-zero channel lights all three.
    ImageParametrization p =
        ImageParametrization.of(ParamSpec.pixel(true, Squash.CLIP), 1, 1, 1, 3);
    float[] rgb =
        GraphRunner.run(p.parameterShape(), new float[] {1, 0, 0}, (tf, x) -> p.linear(tf, x));
    assertArrayEquals(new float[] {0.26f / 0.4620f, 0.27f / 0.4620f, 0.27f / 0.4620f}, rgb, 2e-4f);
  }

  @Test
  void initialParametersAreSeededNormalsWithStandardDeviationOneHundredth() {
    ImageParametrization p = ImageParametrization.of(ParamSpec.DEFAULT, 2, 32, 32, 3);
    float[] a = p.initialParameters(42);
    assertArrayEquals(a, p.initialParameters(42));
    assertNotEquals(a[0], p.initialParameters(43)[0]);
    double sum = 0;
    double sq = 0;
    for (float v : a) {
      sum += v;
      sq += v * v;
    }
    assertEquals(0, sum / a.length, 5e-4);
    assertEquals(0.01, Math.sqrt(sq / a.length), 5e-4);
  }

  @Test
  void parameterShapesPutChannelsBeforeTheSpectrum() {
    assertEquals(
        Shape.of(2, 3, 5, 7),
        ImageParametrization.of(ParamSpec.DEFAULT, 2, 5, 7, 3).parameterShape());
    assertEquals(
        Shape.of(2, 5, 7, 1),
        ImageParametrization.of(ParamSpec.pixel(false, Squash.SIGMOID), 2, 5, 7, 1)
            .parameterShape());
  }

  @Test
  void theClipPassesTheGradientOfClippedPixels() {
    ImageParametrization p =
        ImageParametrization.of(ParamSpec.pixel(false, Squash.CLIP), 1, 1, 3, 1);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(p.parameterShape()));
      Operand<TFloat32> image = p.image(tf, x);
      Output<?>[] grad =
          g.addGradients(
              tf.reduceSum(image, tf.constant(new int[] {0, 1, 2, 3})).asOutput(),
              new Output<?>[] {x.asOutput()});
      try (TFloat32 in =
              TFloat32.tensorOf(
                  p.parameterShape(), DataBuffers.of(new float[] {-1, 0.5f, 2}, true, false));
          Result r = s.runner().feed(x, in).fetch(image).fetch(grad[0]).run()) {
        assertArrayEquals(new float[] {0, 0.5f, 1}, values((TFloat32) r.get(0)));
        assertArrayEquals(new float[] {1, 1, 1}, values((TFloat32) r.get(1)));
      }
    }
  }

  @Test
  void invalidSettingsSayWhichFieldAndLimit() {
    IllegalArgumentException decay =
        assertThrows(IllegalArgumentException.class, () -> ParamSpec.DEFAULT.withDecay(-1));
    assertTrue(decay.getMessage().startsWith("decay must be between 0 and 10"), decay.getMessage());
    IllegalArgumentException gain =
        assertThrows(IllegalArgumentException.class, () -> ParamSpec.DEFAULT.withGain(Double.NaN));
    assertTrue(gain.getMessage().startsWith("gain must be greater than 0"), gain.getMessage());
    IllegalArgumentException height =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageParametrization.of(ParamSpec.DEFAULT, 1, 0, 4, 3));
    assertEquals("height must be between 1 and 2048, got 0", height.getMessage());
    ImageParametrization p = ImageParametrization.of(ParamSpec.DEFAULT, 1, 2, 2, 1);
    assertThrows(IllegalArgumentException.class, () -> p.parametersFor(new float[3]));
    assertThrows(
        IllegalArgumentException.class, () -> p.parametersFor(new float[] {0, 0, 1.5f, 0}));
  }

  static float[] values(TFloat32 t) {
    float[] v = new float[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  private static double dot(float[] a, int aFrom, float[] b, int bFrom, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += (double) a[aFrom + i] * b[bFrom + i];
    }
    return sum;
  }

  private static float[] gaussian(Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          (float)
              (Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
                  * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return v;
  }

  static float[] uniform(int n, double lo, double hi, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextDouble(lo, hi);
    }
    return v;
  }
}
