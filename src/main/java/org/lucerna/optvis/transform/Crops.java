package org.lucerna.optvis.transform;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.SpecFields;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * MACO's random crops: {@code count} square crops of every image, each resized to the model's input
 * size (or, for a model that takes any size, to the image's size), become batch elements of the
 * model call, {@code [count·B, h, w, C]}, crop k of image b at index {@code k·B + b}; the objective
 * is the mean over a image's crops. Centres are {@code 0.5 + N(0, 0.15)} in each axis; the mean
 * side shrinks linearly over the render from the larger to the smaller of {@code sides} (fractions
 * of the image's shorter side), each crop's side that mean plus {@code N(0, 0.05)}, kept between
 * the smaller side and 1, as Xplique does. A crop that reaches outside the image sees gray there.
 * One draw of the {@code count} boxes serves every image of the batch. As a step it keeps the
 * image's size; a model with a fixed input gets the crops at that size, which {@link
 * org.lucerna.optvis.PlanMemory} takes from the model. The resize samples where TensorFlow's
 * CropAndResize does, but as matrix products ({@link CropSampling}), whose gradient sums in a fixed
 * order: the same seed gives the same render, bit for bit.
 */
@JsonPropertyOrder({"type", "count", "sides"})
public record Crops(int count, List<Double> sides) implements TransformSpec {
  static final String KIND = "crops";
  private static final double CENTRE_STDDEV = 0.15;
  private static final double SIDE_STDDEV = 0.05;

  public Crops {
    Transforms.requireRange("crops count", count, 1, FormatLimits.MAX_CROPS);
    sides = List.copyOf(sides);
    if (sides.size() != 2) {
      throw new IllegalArgumentException(
          "crops sides must be two fractions of the image, [smaller, larger], got " + sides);
    }
    for (double s : sides) {
      if (!(s > 0 && s <= 1)) {
        throw new IllegalArgumentException(
            "crops sides must be greater than 0 and at most 1, got " + s);
      }
    }
  }

  static Crops read(SpecFields f) {
    return new Crops(f.whole("count"), f.numbers("sides", 2));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int batchFactor() {
    return count;
  }

  /** Crops at the image's own size, as for a model that takes any size. */
  @Override
  public long workingFloats(long batch, long height, long width, long channels) {
    return workingFloats(batch, height, width, height, width, channels);
  }

  /**
   * {@code batch} is the images coming in, {@code inHeight × inWidth} their size and {@code height
   * × width} the crops' (see {@link CropSampling}): the {@code count·batch} crops and their
   * gradient; at most two of the products' intermediates at once, the largest the rows sampled from
   * the image's full width, and each with its transpose; the image's gradient; and the sampling
   * matrices, {@code count·(height·inHeight + width·inWidth)}, with as much again twice while they
   * are built.
   */
  @Override
  public long workingFloats(
      long batch, long inHeight, long inWidth, long height, long width, long channels) {
    long crops = count * batch * height * width * channels;
    long rowsSampled = count * batch * height * Math.max(inWidth, width) * channels;
    long matrices = count * (height * inHeight + width * inWidth);
    return 2 * crops + 2 * rowsSampled + batch * inHeight * inWidth * channels + 3 * matrices;
  }

  @Override
  public Operand<TFloat32> build(Ops t, Operand<TFloat32> x, Consumer<RandomDraw> draws) {
    return build(t, x, draws, 0, 0);
  }

  @Override
  public Operand<TFloat32> build(
      Ops t, Operand<TFloat32> x, Consumer<RandomDraw> draws, int fitHeight, int fitWidth) {
    ImageDims dims = ImageDims.of(t, x);
    int batch = (int) dims.batch();
    if (batch < 1) {
      throw new IllegalArgumentException("crops need a batch size known when the graph is built");
    }
    Operand<TInt32> height = fitHeight > 0 ? t.constant(fitHeight) : dims.dim(t, 1);
    Operand<TInt32> width = fitWidth > 0 ? t.constant(fitWidth) : dims.dim(t, 2);
    Placeholder<TFloat32> boxes =
        t.withName("boxes").placeholder(TFloat32.class, Placeholder.shape(Shape.of(count, 4)));
    // A square in pixels: the side is a fraction of the shorter side, so of each axis a share.
    double shareH = 1;
    double shareW = 1;
    if (dims.spatialKnown()) {
      double shorter = Math.min(dims.height(), dims.width());
      shareH = shorter / dims.height();
      shareW = shorter / dims.width();
    }
    String boxesName = boxes.op().name();
    double fh = shareH;
    double fw = shareW;
    draws.accept(
        new RandomDraw() {
          @Override
          public void feed(
              Session.Runner runner, SplittableRandom random, List<AutoCloseable> toClose) {
            feed(runner, random, toClose, 0);
          }

          @Override
          public void feed(
              Session.Runner runner,
              SplittableRandom random,
              List<AutoCloseable> toClose,
              double progress) {
            TFloat32 tensor =
                TFloat32.tensorOf(
                    Shape.of(count, 4),
                    DataBuffers.of(draw(random, progress, fh, fw), true, false));
            toClose.add(tensor);
            runner.feed(boxesName, tensor);
          }
        });
    return CropSampling.crop(t, x, boxes, count, height, width);
  }

  /** {@code count} boxes {@code [y1, x1, y2, x2]} in fractions of the image. */
  float[] draw(SplittableRandom random, double progress, double shareH, double shareW) {
    double smaller = Math.min(sides.get(0), sides.get(1));
    double larger = Math.max(sides.get(0), sides.get(1));
    double mean = larger + (smaller - larger) * progress;
    float[] out = new float[count * 4];
    for (int k = 0; k < count; k++) {
      double cy = 0.5 + CENTRE_STDDEV * Transforms.gaussian(random);
      double cx = 0.5 + CENTRE_STDDEV * Transforms.gaussian(random);
      double side =
          Math.min(1, Math.max(smaller, mean + SIDE_STDDEV * Transforms.gaussian(random)));
      double h = side * shareH / 2;
      double w = side * shareW / 2;
      out[4 * k] = (float) (cy - h);
      out[4 * k + 1] = (float) (cx - w);
      out[4 * k + 2] = (float) (cy + h);
      out[4 * k + 3] = (float) (cx + w);
    }
    return out;
  }
}
