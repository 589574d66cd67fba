package org.lucerna.optvis.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A list of {@link TransformSpec}s built into a graph for one input image, under the sub-scope
 * {@code transform} (one sub-scope per transform: {@code transform/pad}, {@code transform/rotate} ...),
 * followed by the fit to the model's input size. Each random transform reads a placeholder that
 * {@link #feed} fills every step, drawing from the given generator in list order, one draw per step for
 * the whole batch.
 *
 * <p>After a random scale the spatial size is only known at run time; later transforms compute their
 * grids from the run-time shape, and the fit gives back a static {@code [B, fitHeight, fitWidth, C]}.
 */
public final class TransformPipeline {
  private final List<TransformSpec> specs;
  private final Operand<TFloat32> output;
  private final List<Draw> draws;

  /** Feeds one random transform's placeholder. */
  private interface Draw {
    void feed(Session.Runner runner, SplittableRandom random, List<AutoCloseable> toClose);
  }

  private TransformPipeline(List<TransformSpec> specs, Operand<TFloat32> output, List<Draw> draws) {
    this.specs = specs;
    this.output = output;
    this.draws = draws;
  }

  /**
   * Builds the ops on {@code image} ({@code [B, H, W, C]}); an empty list means no transform.
   * {@code fitHeight}/{@code fitWidth} &lt;= 0 (both) means the model takes any size.
   */
  public static TransformPipeline build(Ops tf, Operand<TFloat32> image, List<TransformSpec> specs,
                                        int fitHeight, int fitWidth, FitMode fit) {
    List<TransformSpec> list = List.copyOf(specs);
    Objects.requireNonNull(fit, "fit");
    if ((fitHeight > 0) != (fitWidth > 0)) {
      throw new IllegalArgumentException("a fixed input size needs both height and width, got "
          + fitHeight + "×" + fitWidth);
    }
    Ops scope = tf.withSubScope("transform");
    List<Draw> draws = new ArrayList<>();
    Operand<TFloat32> x = image;
    for (TransformSpec spec : list) {
      Ops t = scope.withSubScope(spec.kind());
      x = apply(t, x, spec, draws);
    }
    if (fitHeight > 0) {
      Ops t = scope.withSubScope("fit");
      x = fit == FitMode.RESIZE ? resize(t, x, fitHeight, fitWidth) : cropOrPad(t, x, fitHeight, fitWidth);
    }
    return new TransformPipeline(list, scope.withName("output").identity(x), List.copyOf(draws));
  }

  // Java 17 has no pattern switch; the interface is sealed, so this chain is complete.
  private static Operand<TFloat32> apply(Ops t, Operand<TFloat32> x, TransformSpec spec, List<Draw> draws) {
    if (spec instanceof TransformSpec.Pad p) {
      return pad(t, x, p);
    } else if (spec instanceof TransformSpec.Jitter j) {
      return jitter(t, x, j, draws);
    } else if (spec instanceof TransformSpec.RandomScale s) {
      return scale(t, x, s, draws);
    } else if (spec instanceof TransformSpec.RandomRotate r) {
      return rotate(t, x, r, draws);
    }
    throw new IllegalStateException("unknown transform " + spec);
  }

  public List<TransformSpec> specs() {
    return specs;
  }

  /** {@code [B, h', w', C]}; h' and w' are dynamic after a random scale unless a fit follows. */
  public Operand<TFloat32> output() {
    return output;
  }

  /**
   * Feeds one step's random draws, taken from {@code random} in list order; the tensors created go into
   * {@code toClose}, for the caller to close after the run.
   */
  public void feed(Session.Runner runner, SplittableRandom random, List<AutoCloseable> toClose) {
    for (Draw d : draws) {
      d.feed(runner, random, toClose);
    }
  }

  private static Operand<TFloat32> pad(Ops t, Operand<TFloat32> x, TransformSpec.Pad p) {
    if (p.width() == 0) {
      return x;
    }
    int n = p.width();
    Operand<TInt32> paddings = t.constant(new int[][] {{0, 0}, {n, n}, {n, n}, {0, 0}});
    if (p.mode() == PadMode.REFLECT) {
      ImageDims dims = ImageDims.of(t, x);
      if (dims.spatialKnown() && (n >= dims.height() || n >= dims.width())) {
        throw new IllegalArgumentException("reflect pad width " + n + " must be smaller than the image, "
            + dims.height() + "×" + dims.width() + "; use a smaller width or a constant pad");
      }
      return t.mirrorPad(x, paddings, "REFLECT");
    }
    return t.pad(x, paddings, t.constant((float) p.value()));
  }

  private static Operand<TFloat32> jitter(Ops t, Operand<TFloat32> x, TransformSpec.Jitter j, List<Draw> draws) {
    int d = j.pixels();
    if (d == 0) {
      return x;
    }
    ImageDims dims = ImageDims.of(t, x);
    if (dims.spatialKnown() && (d >= dims.height() || d >= dims.width())) {
      throw new IllegalArgumentException("jitter " + d + " needs an image larger than " + d + " pixels, got "
          + dims.height() + "×" + dims.width() + "; lower the jitter or render a larger image");
    }
    Placeholder<TInt32> offsets = t.withName("offsets").placeholder(TInt32.class, Placeholder.shape(Shape.of(2)));
    Operand<TInt32> begin = t.concat(List.of(t.constant(new int[] {0}), offsets, t.constant(new int[] {0})),
        t.constant(0));
    Operand<TInt32> shrink = t.constant(d);
    Operand<TInt32> size = dims.withSpatial(t,
        t.math.sub(dims.dim(t, 1), shrink), t.math.sub(dims.dim(t, 2), shrink));
    String offsetsName = offsets.op().name(); // fed by name: the session may run a placed copy of this graph
    draws.add((runner, random, toClose) -> {
      int[] drawn = {random.nextInt(d + 1), random.nextInt(d + 1)};
      TInt32 tensor = TInt32.vectorOf(drawn);
      toClose.add(tensor);
      runner.feed(offsetsName, tensor);
    });
    return t.slice(x, begin, size);
  }

  private static Operand<TFloat32> scale(Ops t, Operand<TFloat32> x, TransformSpec.RandomScale s, List<Draw> draws) {
    ImageDims dims = ImageDims.of(t, x);
    Placeholder<TFloat32> factor = t.withName("factor").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Operand<TInt32> spatial = t.stack(List.of(dims.dim(t, 1), dims.dim(t, 2)));
    // Rounded, not truncated as in Lucid, so that 3 px × 0.33 is 1 px and not an empty image.
    Operand<TFloat32> exact = t.math.mul(t.dtypes.cast(spatial, TFloat32.class), factor);
    Operand<TInt32> size = t.math.maximum(
        t.dtypes.cast(t.math.add(exact, t.constant(0.5f)), TInt32.class), t.constant(1));
    List<Double> factors = s.factors();
    String factorName = factor.op().name();
    draws.add((runner, random, toClose) -> {
      TFloat32 tensor = TFloat32.scalarOf(factors.get(random.nextInt(factors.size())).floatValue());
      toClose.add(tensor);
      runner.feed(factorName, tensor);
    });
    return t.image.resizeBilinear(x, size, ResizeBilinear.halfPixelCenters(true));
  }

  private static Operand<TFloat32> rotate(Ops t, Operand<TFloat32> x, TransformSpec.RandomRotate r, List<Draw> draws) {
    Placeholder<TFloat32> cosSin = t.withName("cos_sin").placeholder(TFloat32.class, Placeholder.shape(Shape.of(2)));
    List<Double> degrees = r.degrees();
    String cosSinName = cosSin.op().name();
    draws.add((runner, random, toClose) -> {
      TFloat32 tensor = TFloat32.vectorOf(cosSin(degrees.get(random.nextInt(degrees.size()))));
      toClose.add(tensor);
      runner.feed(cosSinName, tensor);
    });
    return Rotation.rotate(t, x, cosSin);
  }

  /** cos and sin of an angle in degrees, exact at multiples of 90° so that quarter turns move pixels exactly. */
  static float[] cosSin(double degrees) {
    double reduced = ((degrees % 360) + 360) % 360;
    if (reduced % 90 == 0) {
      int quarter = (int) (reduced / 90);
      return new float[] {new int[] {1, 0, -1, 0}[quarter], new int[] {0, 1, 0, -1}[quarter]};
    }
    double radians = Math.toRadians(degrees);
    return new float[] {(float) Math.cos(radians), (float) Math.sin(radians)};
  }

  private static Operand<TFloat32> resize(Ops t, Operand<TFloat32> x, int height, int width) {
    return t.image.resizeBilinear(x, t.constant(new int[] {height, width}), ResizeBilinear.halfPixelCenters(true));
  }

  /** Pads each axis that is too small (gray, split evenly), then crops the centre of each that is too large. */
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
    Operand<TInt32> paddings = t.reshape(t.stack(List.of(zero, zero, top, t.math.sub(padH, top),
        left, t.math.sub(padW, left), zero, zero)), t.constant(new int[] {4, 2}));
    Operand<TFloat32> padded = t.pad(x, paddings, t.constant((float) Transforms.GRAY));
    Operand<TInt32> offY = t.math.floorDiv(t.math.sub(t.math.add(h, padH), t.constant(height)), two);
    Operand<TInt32> offX = t.math.floorDiv(t.math.sub(t.math.add(w, padW), t.constant(width)), two);
    Operand<TInt32> begin = t.stack(List.of(zero, offY, offX, zero));
    Operand<TFloat32> cropped = t.slice(padded, begin, dims.withSpatial(t, t.constant(height), t.constant(width)));
    // Slice cannot know its result size from a computed begin; the reshape states it.
    return t.reshape(cropped, dims.withSpatial(t, t.constant(height), t.constant(width)));
  }
}
