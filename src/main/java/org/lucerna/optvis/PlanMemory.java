package org.lucerna.optvis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lucerna.model.InputSpec;
import org.lucerna.model.LayerShapes;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ImageParametrization;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.term.TermGraph;
import org.lucerna.optvis.transform.TransformSpec;
import org.lucerna.optvis.transform.Transforms;

/**
 * The memory a plan needs to run one optimization step, reckoned from its spec and the model's
 * layer shapes before anything is built, for the largest image the transforms can make: so that a
 * request that would exhaust the machine is refused when it is submitted, not by the kernel's
 * out-of-memory killer in its worker (which, with running jobs queued again at start-up, would
 * repeat at every start).
 *
 * <p>The parts, in bytes of float32:
 *
 * <ul>
 *   <li>parametrization: the parameters and Adam's two slots (3 copies), and about {@value
 *       #PARAM_WORKING} image batches of the parameters-to-image ops forward and backward (for the
 *       Fourier basis: the scaled spectrum, the two products, two transposes, the colors, the
 *       sigmoid, and as many gradients), plus the two basis matrices; MACO's phase-to-image ops are
 *       counted op by op ({@link #macoFloats}), a CPPN's per pixel and layer ({@link #cppnFloats});
 *       every plan's transparency map (its variable and the image gradient's absolute value);
 *   <li>transforms: what each step holds at the largest size it can give ({@link
 *       TransformSpec#workingFloats}; the crops also by the size they take), and the fit to a fixed
 *       model input (the resized image and the gradient at the size before); after crops, every
 *       later part is counted for the crops' number of model inputs per image;
 *   <li>activations: the tensors the model computes from its input up to the deepest layer the
 *       objective reads, at the size the model sees, times the batch (shape inference of {@link
 *       LayerShapes}), of which about {@value #KEPT_SHARE} stay for the backward pass: an
 *       elementwise op after a convolution (bias, batch norm, ReLU) writes into its input's buffer
 *       or is fused with it;
 *   <li>gradients: the backward pass through those layers. TensorFlow frees a forward tensor once
 *       its last gradient op has read it and a gradient once it has been passed on, so at its peak
 *       the backward pass holds about {@value #GRADIENT_SHARE} of the kept activations more;
 *   <li>model constants: while a plan is built, up to {@value #WEIGHT_COPIES} copies of the model's
 *       weights (the prepared graph's bytes) are alive at once: the graph being built, the placed
 *       copy imported into the plan's graph, the session's own copy with its constant tensors, and
 *       oneDNN's reordered filters (on InceptionV3 the build alone grows the process by about 5.8
 *       times the weights, whatever the batch);
 *   <li>the session's own state (executor, kernels, oneDNN primitives): {@value #RUNTIME_BYTES}
 *       bytes.
 * </ul>
 *
 * <p>The factors come from counting the ops each part builds; {@code
 * org.lucerna.bench.PlanMemoryBenchmark} prints the estimate next to the measured growth of the
 * process's resident memory (README, "Memory of a render").
 */
public final class PlanMemory {
  /** Image batches the parametrization's ops hold during a step, beyond its three variables. */
  static final int PARAM_WORKING = 6;

  /** Share of the model's forward tensors that a step holds at once. */
  static final double KEPT_SHARE = 0.5;

  /** Backward-pass share of the kept activations held at its peak, beyond them. */
  static final double GRADIENT_SHARE = 0.5;

  /** A session's fixed cost, measured on the smallest renders (tiny_cnn, 128 px). */
  static final long RUNTIME_BYTES = 24L << 20;

  /** Copies of the model's weights alive at once while a plan is built and first runs. */
  static final int WEIGHT_COPIES = 4;

  private static final int FLOAT = 4;

  private PlanMemory() {}

  /** The estimate, by part, in bytes. */
  public record Estimate(
      long parametrization,
      long transforms,
      long activations,
      long gradients,
      long constants,
      long runtime) {

    public long total() {
      return parametrization + transforms + activations + gradients + constants + runtime;
    }

    /** "5.2 GiB (parametrization 0.1 GiB, transforms 1.9 GiB, ...)". */
    public String describe() {
      List<String> parts = new ArrayList<>();
      parts.add("parametrization " + bytes(parametrization));
      parts.add("transforms " + bytes(transforms));
      parts.add("model activations " + bytes(activations));
      parts.add("their gradients " + bytes(gradients));
      parts.add("model constants " + bytes(constants));
      parts.add("session " + bytes(runtime));
      return bytes(total()) + " (" + String.join(", ", parts) + ")";
    }
  }

  /**
   * The memory of one step of {@code spec} on {@code model}.
   *
   * @param shapes the shape inference (and its cache) of the service
   */
  public static Estimate estimate(PreparedModel model, PlanSpec spec, LayerShapes shapes) {
    InputSpec input = model.input();
    long channels = input.isImage() ? Math.max(1, input.channels()) : 3;
    long batch = spec.batch();
    long height = spec.height();
    long width = spec.width();

    long image = batch * height * width * channels;
    long param = 3 * image + PARAM_WORKING * image;
    if (spec.param().kind() == ParamSpec.Kind.FOURIER) {
      param += height * height + width * width + height * width;
    }
    if (spec.param().kind() == ParamSpec.Kind.MACO) {
      param += macoFloats(batch, height, width, channels) - 3 * image - PARAM_WORKING * image;
    }
    if (spec.param().kind() == ParamSpec.Kind.CPPN) {
      param += cppnFloats(batch, height, width, channels) - 3 * image - PARAM_WORKING * image;
    }
    // The transparency map: its variable, and the image gradient's absolute value and sum.
    param += 2 * image + batch * height * width;

    int[] heights = Transforms.largestSides(spec.transforms(), spec.height());
    int[] widths = Transforms.largestSides(spec.transforms(), spec.width());
    long transforms = 0;
    long h = height;
    long w = width;
    boolean fixed = input.isImage() && input.height() > 0 && input.width() > 0;
    // Crops make several model inputs of each image (at the model's size when it is fixed): from
    // them on, everything is counted for that many.
    long images = batch;
    for (int i = 0; i < heights.length; i++) {
      TransformSpec t = spec.transforms().get(i);
      long inH = h;
      long inW = w;
      h = heights[i];
      w = widths[i];
      if (t.batchFactor() > 1 && fixed) {
        h = input.height();
        w = input.width();
      }
      transforms += t.workingFloats(images, inH, inW, h, w, channels);
      images *= t.batchFactor();
    }
    long modelHeight = fixed ? input.height() : h;
    long modelWidth = fixed ? input.width() : w;
    if (fixed) {
      // The fitted image and the gradient back to the transformed size.
      transforms += images * channels * (modelHeight * modelWidth + h * w);
    }
    // The model's input in its own range (a scaled copy) and its gradient.
    transforms += 2 * images * channels * modelHeight * modelWidth;

    List<String> outputs = new ArrayList<>();
    for (TermGraph term : spec.terms()) {
      if (term.layer() != null) {
        outputs.add(model.layers().get(term.layer()).output());
      }
    }
    long forward =
        images
            * shapes.bytesUpTo(
                model,
                outputs,
                (int) Math.min(modelHeight, Transforms.SIDE_CAP),
                (int) Math.min(modelWidth, Transforms.SIDE_CAP));
    long activations = (long) (KEPT_SHARE * forward);
    long gradients = (long) (GRADIENT_SHARE * activations);
    long constants = outputs.isEmpty() ? 0 : WEIGHT_COPIES * model.sizeBytes();
    return new Estimate(
        FLOAT * param, FLOAT * transforms, activations, gradients, constants, RUNTIME_BYTES);
  }

  /**
   * Floats of a MACO image ({@code MacoSpectrum}) in one step: the phase {@code [B, C, H, W/2+1]}
   * (about half an image batch, P) with NAdam's two slots; forward, the standardized phase, its
   * cosine and sine, the real and imaginary parts, their concatenation (about 9 P), the two matrix
   * products, two transposes, the image's standardization and colors (about {@value
   * #MACO_IMAGE_WORKING} image batches), as many again for the gradients; the magnitude and the two
   * DFT bases ({@code 2(W/2+1) × 2W} and {@code H × 2H}).
   */
  static long macoFloats(long batch, long height, long width, long channels) {
    long columns = width / 2 + 1;
    long phase = batch * channels * height * columns;
    long image = batch * height * width * channels;
    long forward = 9 * phase + MACO_IMAGE_WORKING * image;
    long bases = 2 * columns * 2 * width + 2 * height * height + channels * height * columns;
    return 3 * phase + 2 * forward + bases;
  }

  /**
   * Floats of a CPPN image ({@code Cppn}) in one step: its weights with Adam's two slots (a few
   * thousand per image); per pixel and hidden layer, about {@value #CPPN_KEPT_PER_LAYER} floats
   * kept for the backward pass (the product and its bias sum, the arctangent, the concatenated
   * activation) and as many again while the gradient passes; the coordinates; the last layer,
   * colors and sigmoid as the other kinds' {@value #PARAM_WORKING} image batches. Counted, not
   * measured.
   */
  static long cppnFloats(long batch, long height, long width, long channels) {
    long pixels = height * width;
    long weights =
        batch
            * ImageParametrization.of(
                    new ParamSpec(ParamSpec.Kind.CPPN, 0, false, ParamSpec.Squash.SIGMOID, 1),
                    1,
                    1,
                    1,
                    (int) channels)
                .parametersPerImage();
    long hidden = 2L * CPPN_LAYERS * CPPN_KEPT_PER_LAYER * batch * pixels;
    return 3 * weights + hidden + 2 * pixels + (3 + PARAM_WORKING) * batch * pixels * channels;
  }

  /** A CPPN's hidden layers. */
  static final int CPPN_LAYERS = 8;

  /** Floats per pixel a CPPN's hidden layer keeps for the backward pass: 24 + 24 + 48. */
  static final int CPPN_KEPT_PER_LAYER = 96;

  /** Image batches of MACO's ops after the spectrum, forward. */
  static final int MACO_IMAGE_WORKING = 10;

  /** Bytes in GiB or MiB, one decimal. */
  public static String bytes(long n) {
    double gib = n / (double) (1L << 30);
    return gib >= 1
        ? String.format(Locale.ROOT, "%.1f GiB", gib)
        : String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
  }
}
