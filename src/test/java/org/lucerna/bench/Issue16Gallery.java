package org.lucerna.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.tfjs.ModelZoo;
import org.lucerna.optvis.CppnDrawing;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.ImageBatch;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Optimizer;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.param.StartImage;
import org.lucerna.optvis.transform.Crops;
import org.lucerna.optvis.transform.Noise;
import org.lucerna.optvis.transform.Transforms;

/**
 * Renders the README's issue-16 gallery on the zoo's {@code inception_v3}: MACO against the Fourier
 * default at equal steps (with each image's channel value seen plainly, untransformed, and MACO's
 * transparency map), caricatures of a photo, a feature accentuation, and a CPPN render drawn again
 * four times larger from its final network. The same recipes as the requests the README shows, run
 * through the library (no HTTP), so that a loaded machine spends nothing on the service.
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * TF_ENABLE_ONEDNN_OPTS=1 java -cp target/classes:target/test-classes:$(cat target/test.cp) \
 *     org.lucerna.bench.Issue16Gallery [maco|caricature|accentuation|value|cppn ...] \
 *     [size=224] [steps=128] [crops=8] [weight=-1000] [photo=src/site/gallery/photo-chelsea.png]
 *     [lr=0.005] [scale=4] [redirect=true] [models=target/test-models] [out=target/issue16]
 * </pre>
 */
public final class Issue16Gallery {
  private static final ParamSpec MACO =
      new ParamSpec(ParamSpec.Kind.MACO, 1, true, ParamSpec.Squash.SIGMOID, 1);

  /** The image as it is: pixels fed straight, no colors, no squash, no transforms. */
  private static final ParamSpec PLAIN = ParamSpec.pixel(false, ParamSpec.Squash.CLIP);

  private Issue16Gallery() {}

  public static void main(String[] args) throws Exception {
    List<String> parts = new ArrayList<>();
    java.util.Map<String, String> a = new java.util.HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq > 0) {
        a.put(arg.substring(0, eq), arg.substring(eq + 1));
      } else {
        parts.add(arg);
      }
    }
    if (parts.isEmpty()) {
      parts = List.of("maco", "caricature", "accentuation");
    }
    int size = Integer.parseInt(a.getOrDefault("size", "224"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "128"));
    int crops = Integer.parseInt(a.getOrDefault("crops", "8"));
    Path out = Path.of(a.getOrDefault("out", "target/issue16"));
    Path photoFile = Path.of(a.getOrDefault("photo", "src/site/gallery/photo-chelsea.png"));
    Files.createDirectories(out);
    Path root = Path.of(a.getOrDefault("models", "target/test-models")).toAbsolutePath();
    ModelZoo.install(root, ModelZoo.MODELS, null, System.err);
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root))) {
      PreparedModel model = registry.get("inception_v3", OptionalLong.empty());
      for (String part : parts) {
        switch (part) {
          case "maco" ->
              maco(model, size, steps, crops, out, a.getOrDefault("layers", "mixed8,mixed10"));
          case "caricature" -> caricature(model, size, steps, photoFile, out);
          case "accentuation" ->
              accentuation(
                  model,
                  size,
                  steps,
                  photoFile,
                  out,
                  Double.parseDouble(a.getOrDefault("weight", "-1000")));
          case "value" ->
              values(
                  model,
                  Objectives.channel(
                      a.getOrDefault("layer", "mixed8"),
                      Integer.parseInt(a.getOrDefault("channel", "97"))),
                  a.getOrDefault("files", ""),
                  size);
          case "cppn" ->
              cppn(
                  model,
                  size,
                  steps,
                  out,
                  Double.parseDouble(a.getOrDefault("lr", "0.005")),
                  Integer.parseInt(a.getOrDefault("scale", "4")),
                  Boolean.parseBoolean(a.getOrDefault("redirect", "true")));
          default -> throw new IllegalArgumentException("unknown part " + part);
        }
      }
    }
  }

  private static void maco(
      PreparedModel model, int size, int steps, int crops, Path out, String layers)
      throws Exception {
    for (String layer : layers.split(",")) {
      int channel = 97;
      Objective objective = Objectives.channel(layer, channel);
      PlanSpec fourier =
          PlanSpec.of(size, size, 1, objective).withTransforms(Transforms.standard());
      // MACO's recipe with fewer crops than Xplique's 32 (the machine is shared).
      PlanSpec maco =
          PlanSpec.of(size, size, 1, objective)
              .withParam(MACO)
              .withTransforms(List.of(new Crops(crops, List.of(0.05, 0.5)), new Noise(0.08)))
              .withOptimizer(Optimizer.NADAM);
      for (var c :
          List.of(new Object[] {"fourier", fourier, 0.05}, new Object[] {"maco", maco, 1.0})) {
        String name = (String) c[0];
        long t0 = System.nanoTime();
        RenderResult r;
        try (Plan plan = Plan.build(model, (PlanSpec) c[1], ExecutionOptions.CPU_DEFAULT)) {
          r =
              plan.render(
                  objective,
                  new RenderSettings(steps, 1, (Double) c[2], List.of()),
                  RenderListener.NONE);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double plain = plainValue(model, objective, r.image());
        String file = "inception_v3-" + layer + "-" + channel + "-" + name;
        Files.write(out.resolve(file + ".png"), r.image().png(0));
        Files.write(out.resolve(file + "-alpha.png"), r.transparency(0).alphaPng(r.image(), 0));
        System.out.printf(
            Locale.ROOT,
            "%s %s:%d %d px %d steps: channel value on the untransformed image %.3f (%.0f s)%n",
            name,
            layer,
            channel,
            size,
            steps,
            plain,
            seconds);
      }
    }
  }

  private static void caricature(PreparedModel model, int size, int steps, Path photo, Path out)
      throws Exception {
    ImageBatch start = photo(photo, size);
    Files.write(out.resolve("photo.png"), start.png(0));
    for (String layer : List.of("mixed2", "mixed6")) {
      Objective objective = Objectives.caricature(layer, 1);
      PlanSpec spec = PlanSpec.of(size, size, 1, objective).withTransforms(Transforms.standard());
      try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
        RenderResult r =
            plan.render(
                objective,
                new RenderSettings(steps, 1, 0.05, List.of()).withStartImage(start),
                RenderListener.NONE);
        Files.write(out.resolve("inception_v3-caricature-" + layer + ".png"), r.image().png(0));
        double[] v = r.objectives();
        System.out.printf(
            Locale.ROOT,
            "caricature %s: objective %.1f at the first step, %.1f at the last%n",
            layer,
            v[0],
            v[v.length - 1]);
      }
    }
  }

  private static void accentuation(
      PreparedModel model, int size, int steps, Path photo, Path out, double weight)
      throws Exception {
    ImageBatch start = photo(photo, size);
    Objective unit = Objectives.channel("mixed4", 97);
    Objective objective = unit.plus(Objectives.startDistance().times(weight));
    PlanSpec spec = PlanSpec.of(size, size, 1, objective).withTransforms(Transforms.standard());
    try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
      RenderResult r =
          plan.render(
              objective,
              new RenderSettings(steps, 1, 0.05, List.of()).withStartImage(start),
              RenderListener.NONE);
      Files.write(out.resolve("inception_v3-accentuation-mixed4-97.png"), r.image().png(0));
      System.out.printf(
          Locale.ROOT,
          "accentuation mixed4:97, start_distance weight %s: channel on the photo %.3f, on the"
              + " result %.3f (untransformed)%n",
          weight,
          plainValue(model, unit, start),
          plainValue(model, unit, r.image()));
    }
  }

  /**
   * {@code mixed4} channel 97 with a CPPN image (the service's defaults for {@code "param":
   * {"type": "cppn"}}: standard transforms, Adam), then its final network drawn {@code scale} times
   * larger; prints the channel value and how far the drawing's {@code scale × scale} means are from
   * the render.
   */
  private static void cppn(
      PreparedModel model,
      int size,
      int steps,
      Path out,
      double learningRate,
      int scale,
      boolean redirect)
      throws Exception {
    ParamSpec cppn = new ParamSpec(ParamSpec.Kind.CPPN, 1, false, ParamSpec.Squash.SIGMOID, 1);
    Objective objective = Objectives.channel("mixed4", 97);
    PlanSpec spec =
        PlanSpec.of(size, size, 1, objective)
            .withParam(cppn)
            .withTransforms(Transforms.standard())
            .withRedirectedRelu(redirect);
    long t0 = System.nanoTime();
    RenderResult r;
    try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
      r =
          plan.render(
              objective,
              new RenderSettings(steps, 1, learningRate, List.of()),
              RenderListener.NONE);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    ImageBatch large = CppnDrawing.draw(cppn, size, size, r.parameters(0), scale);
    double drawSeconds = (System.nanoTime() - t1) / 1e9;
    String file = "inception_v3-cppn-mixed4-97";
    Files.write(out.resolve(file + ".png"), r.image().png(0));
    byte[] png = large.png(0);
    Files.write(out.resolve(file + "-x" + scale + ".png"), png);
    double error = 0;
    float[] small = r.image().pixels();
    int c = large.channels();
    for (int i = 0; i < small.length; i++) {
      int y = i / c / size;
      int x = i / c % size;
      double mean = 0;
      for (int dy = 0; dy < scale; dy++) {
        for (int dx = 0; dx < scale; dx++) {
          mean += large.pixels()[((y * scale + dy) * large.width() + x * scale + dx) * c + i % c];
        }
      }
      error += Math.abs(mean / (scale * scale) - small[i]) / small.length;
    }
    System.out.printf(
        Locale.ROOT,
        "cppn mixed4:97 %d px %d steps lr %s redirected ReLU %s: objective %.3f -> %.3f, channel value on the"
            + " untransformed image %.3f (%.0f s); drawn at %dx (%d px, %d bytes) in %.1f s, its"
            + " %dx%d means differ from the render by %.4f on average%n",
        size,
        steps,
        learningRate,
        redirect,
        r.firstObjective(),
        r.lastObjective(),
        plainValue(model, objective, r.image()),
        seconds,
        scale,
        large.width(),
        png.length,
        drawSeconds,
        scale,
        scale,
        error);
  }

  /**
   * The objective on finished images, whole and on their centre half (the side halved, resized to
   * the model's input): MACO's crops see the image at 0.05 to 0.5 of its side, so its pattern is
   * drawn at that scale around the centre, which a value over the whole image averages away.
   */
  private static void values(PreparedModel model, Objective objective, String files, int size)
      throws Exception {
    for (String file : files.split(",")) {
      StartImage image = StartImage.read(Files.readAllBytes(Path.of(file)), 1L << 24);
      ImageBatch whole = new ImageBatch(1, size, size, 3, image.pixels(size, size, 3));
      ImageBatch centre = centreHalf(whole);
      System.out.printf(
          Locale.ROOT,
          "%s: %s whole %.3f, centre half %.3f%n",
          file,
          objective,
          plainValue(model, objective, whole),
          plainValue(model, objective, centre));
    }
  }

  private static ImageBatch centreHalf(ImageBatch image) {
    int h = image.height() / 2;
    int w = image.width() / 2;
    int c = image.channels();
    float[] out = new float[h * w * c];
    for (int y = 0; y < h; y++) {
      System.arraycopy(
          image.pixels(), ((y + h / 2) * image.width() + w / 2) * c, out, y * w * c, w * c);
    }
    return new ImageBatch(1, h, w, c, out);
  }

  private static ImageBatch photo(Path file, int size) throws Exception {
    StartImage image = StartImage.read(Files.readAllBytes(file), 1L << 24);
    return new ImageBatch(1, size, size, 3, image.pixels(size, size, 3));
  }

  /** The objective on {@code image} itself: no transforms, pixels fed as they are. */
  private static double plainValue(PreparedModel model, Objective objective, ImageBatch image) {
    PlanSpec look =
        PlanSpec.of(image.height(), image.width(), 1, objective)
            .withParam(PLAIN)
            .withTransforms(List.of());
    try (Plan plan = Plan.build(model, look, ExecutionOptions.CPU_DEFAULT)) {
      return plan.render(
              objective,
              new RenderSettings(1, 1, 1e-12, List.of()).withStartImage(image),
              RenderListener.NONE)
          .objectives()[0];
    }
  }
}
