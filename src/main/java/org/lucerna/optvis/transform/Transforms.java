package org.lucerna.optvis.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.SpecFields;
import org.lucerna.optvis.SpecFormatException;

/** The kinds of {@link TransformSpec}, their factories and Lucid's standard list. */
public final class Transforms {
  /** The fill of a constant pad, of a rotation's corners and of a crop-or-pad fit: mid gray. */
  public static final double GRAY = 0.5;

  /**
   * Every kind by its JSON {@code type}: how it is read, and the record whose components are its
   * fields.
   */
  private static final Map<String, Kind> KINDS =
      Stream.of(
              new Kind(Pad.KIND, Pad.class, Pad::read),
              new Kind(Jitter.KIND, Jitter.class, Jitter::read),
              new Kind(RandomScale.KIND, RandomScale.class, RandomScale::read),
              new Kind(RandomRotate.KIND, RandomRotate.class, RandomRotate::read),
              new Kind(Crops.KIND, Crops.class, Crops::read),
              new Kind(Noise.KIND, Noise.class, Noise::read))
          .collect(Collectors.toUnmodifiableMap(Kind::name, k -> k));

  private record Kind(
      String name, Class<? extends Record> type, Function<SpecFields, TransformSpec> reader) {
    Set<String> fields() {
      Set<String> fields = new TreeSet<>(Set.of("type"));
      Arrays.stream(type.getRecordComponents()).forEach(c -> fields.add(c.getName()));
      return fields;
    }
  }

  private static final List<TransformSpec> STANDARD = buildStandard();

  /** MACO's: 32 crops whose sides shrink from 0.5 to 0.05 of the image, then noise 0.08. */
  private static final List<TransformSpec> MACO =
      List.of(new Crops(32, List.of(0.05, 0.5)), new Noise(0.08));

  private Transforms() {}

  /**
   * Lucid's standard list: pad(12, constant 0.5), jitter(8), scale by one of 0.90, 0.92 … 1.10,
   * rotate by one of −10 … 10 degrees with 0 five more times, jitter(4).
   */
  public static List<TransformSpec> standard() {
    return STANDARD;
  }

  /** MACO's list (Xplique's recipe): {@code crops(32, [0.05, 0.5])}, {@code noise(0.08)}. */
  public static List<TransformSpec> maco() {
    return MACO;
  }

  private static List<TransformSpec> buildStandard() {
    List<Double> scales = new ArrayList<>();
    for (int i = -5; i <= 5; i++) {
      scales.add(1 + i / 50.0);
    }
    List<Double> angles = new ArrayList<>();
    for (int d = -10; d <= 10; d++) {
      angles.add((double) d);
    }
    for (int i = 0; i < 5; i++) {
      angles.add(0.0);
    }
    return List.of(
        pad(12), jitter(8), new RandomScale(scales), new RandomRotate(angles), jitter(4));
  }

  /** Constant pad with mid gray. */
  public static Pad pad(int width) {
    return new Pad(width, PadMode.CONSTANT, GRAY);
  }

  public static Pad pad(int width, PadMode mode) {
    return new Pad(width, mode, GRAY);
  }

  public static Jitter jitter(int pixels) {
    return new Jitter(pixels);
  }

  public static RandomScale scale(double... factors) {
    return new RandomScale(Arrays.stream(factors).boxed().toList());
  }

  public static RandomRotate rotate(double... degrees) {
    return new RandomRotate(Arrays.stream(degrees).boxed().toList());
  }

  /**
   * Checks that {@code specs} can run on an image of {@code size} pixels a side whatever the random
   * draws, so that a request is refused before it is queued rather than failing in its worker. Each
   * side of a rectangular image is checked on its own.
   *
   * @return the smallest side the transforms can give for that side (before any fit to the model)
   */
  public static int checkFits(List<TransformSpec> specs, int size) {
    int factor = TransformPipeline.batchFactor(specs);
    if (factor > FormatLimits.MAX_CROPS) {
      throw new IllegalArgumentException(
          "the crops make "
              + factor
              + " model inputs of every image; at most "
              + FormatLimits.MAX_CROPS
              + " are allowed");
    }
    int smallest = size;
    for (TransformSpec spec : specs) {
      smallest = spec.smallest(smallest);
    }
    return smallest;
  }

  /**
   * The largest side each transform of {@code specs} can give, in order, from a side of {@code
   * size} pixels, whatever the random draws: what the memory of a render is reckoned on. Sides
   * beyond {@link #SIDE_CAP} are taken as that cap, so that no arithmetic on them overflows.
   */
  public static int[] largestSides(List<TransformSpec> specs, int size) {
    int[] sides = new int[specs.size()];
    int largest = size;
    for (int i = 0; i < specs.size(); i++) {
      largest = Math.min(SIDE_CAP, specs.get(i).largest(largest));
      sides[i] = largest;
    }
    return sides;
  }

  /** 2²⁰ pixels: a side far beyond any bound, whose area times a batch still fits a long. */
  public static final int SIDE_CAP = 1 << 20;

  /**
   * Checks that no step of {@code specs} can make a side above {@link
   * FormatLimits#MAX_TRANSFORMED_SIDE} from a side of {@code size} pixels.
   *
   * @throws IllegalArgumentException naming the first transform that can
   */
  public static void checkLargest(List<TransformSpec> specs, int size) {
    int[] sides = largestSides(specs, size);
    for (int i = 0; i < sides.length; i++) {
      if (sides[i] > FormatLimits.MAX_TRANSFORMED_SIDE) {
        throw new IllegalArgumentException(
            "transforms["
                + i
                + "] ("
                + specs.get(i).kind()
                + ") can make an image side of "
                + (sides[i] == SIDE_CAP ? "more than " + SIDE_CAP : sides[i])
                + " pixels from "
                + size
                + "; the transforms may make at most "
                + FormatLimits.MAX_TRANSFORMED_SIDE
                + " pixels a side: use smaller pads or scale factors, or a smaller image");
      }
    }
  }

  /**
   * The transform that {@code json} (bound untyped) describes at {@code path}, such as {@code
   * transforms[2]}.
   */
  static TransformSpec read(Object json, String path) {
    SpecFields fields = SpecFields.of(json, path);
    Kind kind = fields == null ? null : KINDS.get(fields.text("type"));
    if (kind == null) {
      throw new SpecFormatException(
          path + ".type", "must be one of " + new TreeSet<>(KINDS.keySet()));
    }
    fields.onlyKnown(kind.fields());
    try {
      return kind.reader().apply(fields);
    } catch (SpecFormatException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new SpecFormatException(path, e.getMessage());
    }
  }

  /** Model inputs each image becomes through {@code specs}: the product of their crop counts. */
  public static int batchFactor(List<TransformSpec> specs) {
    return TransformPipeline.batchFactor(specs);
  }

  /** A standard normal value (Box–Muller), the same for the same generator on every JVM. */
  static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
