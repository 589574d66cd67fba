package org.lucerna.optvis.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A list of {@link TransformSpec}s built into a graph for one input image, under the sub-scope
 * {@code transform} (one sub-scope per transform: {@code transform/pad}, {@code transform/rotate}
 * ...), followed by the fit to the model's input size. Each random transform reads a placeholder
 * that {@link #feed} fills every step, drawing from the given generator in list order, one draw per
 * step for the whole batch.
 *
 * <p>After a random scale the spatial size is only known at run time; later transforms compute
 * their grids from the run-time shape, and the fit gives back a static {@code [B, fitHeight,
 * fitWidth, C]}.
 */
public final class TransformPipeline {
  private final List<TransformSpec> specs;
  private final Operand<TFloat32> output;
  private final List<RandomDraw> draws;

  private TransformPipeline(
      List<TransformSpec> specs, Operand<TFloat32> output, List<RandomDraw> draws) {
    this.specs = specs;
    this.output = output;
    this.draws = draws;
  }

  /**
   * Builds the ops on {@code image} ({@code [B, H, W, C]}); an empty list means no transform.
   * {@code fitHeight}/{@code fitWidth} &lt;= 0 (both) means the model takes any size.
   */
  public static TransformPipeline build(
      Ops tf,
      Operand<TFloat32> image,
      List<TransformSpec> specs,
      int fitHeight,
      int fitWidth,
      FitMode fit) {
    List<TransformSpec> list = List.copyOf(specs);
    Objects.requireNonNull(fit, "fit");
    if ((fitHeight > 0) != (fitWidth > 0)) {
      throw new IllegalArgumentException(
          "a fixed input size needs both height and width, got " + fitHeight + "×" + fitWidth);
    }
    Ops scope = tf.withSubScope("transform");
    List<RandomDraw> draws = new ArrayList<>();
    Operand<TFloat32> x = image;
    for (TransformSpec spec : list) {
      Ops t = scope.withSubScope(spec.kind());
      x = spec.build(t, x, draws::add, fitHeight, fitWidth);
    }
    if (fitHeight > 0) {
      Ops t = scope.withSubScope("fit");
      x =
          fit == FitMode.RESIZE
              ? resize(t, x, fitHeight, fitWidth)
              : cropOrPad(t, x, fitHeight, fitWidth);
    }
    return new TransformPipeline(list, scope.withName("output").identity(x), List.copyOf(draws));
  }

  public List<TransformSpec> specs() {
    return specs;
  }

  /** {@code [B, h', w', C]}; h' and w' are dynamic after a random scale unless a fit follows. */
  public Operand<TFloat32> output() {
    return output;
  }

  /**
   * Feeds one step's random draws, taken from {@code random} in list order; the tensors created go
   * into {@code toClose}, for the caller to close after the run.
   */
  public void feed(Session.Runner runner, SplittableRandom random, List<AutoCloseable> toClose) {
    feed(runner, random, toClose, 0);
  }

  /**
   * As {@link #feed(Session.Runner, SplittableRandom, List)} at {@code progress} through the render
   * (0 at the first step, 1 at the last).
   */
  public void feed(
      Session.Runner runner,
      SplittableRandom random,
      List<AutoCloseable> toClose,
      double progress) {
    for (RandomDraw d : draws) {
      d.feed(runner, random, toClose, progress);
    }
  }

  /** Model batch elements per image: the product of the transforms' {@code batchFactor}s. */
  public int batchFactor() {
    return batchFactor(specs);
  }

  static int batchFactor(List<TransformSpec> specs) {
    int factor = 1;
    for (TransformSpec s : specs) {
      factor *= s.batchFactor();
    }
    return factor;
  }

  private static Operand<TFloat32> resize(Ops t, Operand<TFloat32> x, int height, int width) {
    return t.image.resizeBilinear(
        x, t.constant(new int[] {height, width}), ResizeBilinear.halfPixelCenters(true));
  }

  /**
   * Pads each axis that is too small (gray, split evenly), then crops the centre of each that is
   * too large.
   */
  private static Operand<TFloat32> cropOrPad(Ops t, Operand<TFloat32> x, int height, int width) {
    ImageDims dims = ImageDims.of(t, x);
    Operand<TInt32> h = dims.dim(t, 1);
    Operand<TInt32> w = dims.dim(t, 2);
    Operand<TInt32> zero = t.constant(0);
    Operand<TInt32> two = t.constant(2);
    Operand<TInt32> padH = t.math.maximum(t.math.sub(t.constant(height), h), zero);
    Operand<TInt32> padW = t.math.maximum(t.math.sub(t.constant(width), w), zero);
    Operand<TInt32> top = t.math.floorDiv(padH, two);
    Operand<TInt32> left = t.math.floorDiv(padW, two);
    Operand<TInt32> paddings =
        t.reshape(
            t.stack(
                List.of(
                    zero,
                    zero,
                    top,
                    t.math.sub(padH, top),
                    left,
                    t.math.sub(padW, left),
                    zero,
                    zero)),
            t.constant(new int[] {4, 2}));
    Operand<TFloat32> padded = t.pad(x, paddings, t.constant((float) Transforms.GRAY));
    Operand<TInt32> offY =
        t.math.floorDiv(t.math.sub(t.math.add(h, padH), t.constant(height)), two);
    Operand<TInt32> offX = t.math.floorDiv(t.math.sub(t.math.add(w, padW), t.constant(width)), two);
    Operand<TInt32> begin = t.stack(List.of(zero, offY, offX, zero));
    Operand<TFloat32> cropped =
        t.slice(padded, begin, dims.withSpatial(t, t.constant(height), t.constant(width)));
    // Slice cannot know its result size from a computed begin; the reshape states it.
    return t.reshape(cropped, dims.withSpatial(t, t.constant(height), t.constant(width)));
  }
}
