package org.lucerna.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.ImageBatch;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderResult;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.Transforms;

/**
 * Compares sigmoid gains on one model: for each gain and channel, a render with the default
 * parametrization and the standard transforms, then the channel's value on the finished image seen
 * plainly (no transforms), the contrast (standard deviation of the pixel values; ImageNet's photos
 * have about 0.23 per channel) and the share of saturated pixels. Prints a table, writes a contact
 * sheet (rows: channels, columns: gains). Not a test.
 *
 * <p>Arguments: {@code --root models --model inception_v3 --layer mixed4 --channels 97,200,300
 * --gains 0.25,0.5,1,2,4 --size 224 --steps 192 --lr 0.05 --out target/gain-sweep}.
 */
public final class GainSweep {

  public static void main(String[] args) throws Exception {
    StudyArgs a = new StudyArgs(args);
    PreparedModel model = a.model();
    String layer = a.get("layer", "mixed4");
    int[] channels =
        Arrays.stream(a.get("channels", "97,200,300").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    double[] gains =
        Arrays.stream(a.get("gains", "0.25,0.5,1,2,4").split(","))
            .mapToDouble(Double::parseDouble)
            .toArray();
    int size = Integer.parseInt(a.get("size", "224"));
    int steps = Integer.parseInt(a.get("steps", "192"));
    double lr = Double.parseDouble(a.get("lr", "0.05"));
    Path out = Path.of(a.get("out", "target/gain-sweep"));
    Files.createDirectories(out);
    System.out.printf(
        Locale.ROOT,
        "model %s, layer %s, channels %s, %d px, %d steps, learning rate %s%n",
        model.id(),
        layer,
        Arrays.toString(channels),
        size,
        steps,
        lr);

    double[][] plain = new double[channels.length][gains.length];
    double[][] saturated = new double[channels.length][gains.length];
    double[][] contrast = new double[channels.length][gains.length];
    BufferedImage sheet =
        new BufferedImage(size * gains.length, size * channels.length, BufferedImage.TYPE_INT_RGB);
    for (int gi = 0; gi < gains.length; gi++) {
      ParamSpec param =
          new ParamSpec(
              ParamSpec.Kind.FOURIER,
              ParamSpec.DEFAULT.decay(),
              true,
              ParamSpec.Squash.SIGMOID,
              gains[gi]);
      Objective first = Objectives.channel(layer, channels[0]);
      PlanSpec render =
          PlanSpec.of(size, size, 1, first).withParam(param).withTransforms(Transforms.standard());
      // Seen plainly: the same parametrization (so the image maps back exactly) and no transforms.
      PlanSpec look = PlanSpec.of(size, size, 1, first).withParam(param);
      try (Plan renderPlan = Plan.build(model, render, ExecutionOptions.CPU_DEFAULT);
          Plan lookPlan = Plan.build(model, look, ExecutionOptions.CPU_DEFAULT)) {
        for (int ci = 0; ci < channels.length; ci++) {
          Objective objective = Objectives.channel(layer, channels[ci]);
          RenderResult r =
              renderPlan.render(
                  objective, new RenderSettings(steps, 1, lr, List.of()), RenderListener.NONE);
          ImageBatch image = r.image();
          plain[ci][gi] =
              lookPlan.render(
                      objective,
                      new RenderSettings(1, 1, 1e-12, List.of()).withStartImage(image),
                      RenderListener.NONE)
                  .objectives()[0];
          saturated[ci][gi] = ImageStats.saturation(image);
          contrast[ci][gi] = ImageStats.contrast(image);
          sheet
              .getGraphics()
              .drawImage(
                  ImageIO.read(new ByteArrayInputStream(image.png(0))), gi * size, ci * size, null);
          System.out.printf(
              Locale.ROOT,
              "gain %-5s channel %-4d plain objective %8.3f  last objective %8.3f"
                  + "  contrast %.3f  saturated %5.1f%%%n",
              gains[gi],
              channels[ci],
              plain[ci][gi],
              r.objectives()[steps - 1],
              contrast[ci][gi],
              100 * saturated[ci][gi]);
        }
      }
    }
    ImageIO.write(sheet, "png", out.resolve("sheet.png").toFile());
    // Channels differ in scale: each gain's score is its value over the channel's best, averaged.
    List<String> pairs = new ArrayList<>();
    for (int gi = 0; gi < gains.length; gi++) {
      double score = 0;
      double sat = 0;
      double std = 0;
      for (int ci = 0; ci < channels.length; ci++) {
        double best = Arrays.stream(plain[ci]).max().orElseThrow();
        score += plain[ci][gi] / best / channels.length;
        sat += saturated[ci][gi] / channels.length;
        std += contrast[ci][gi] / channels.length;
      }
      System.out.printf(
          Locale.ROOT,
          "gain %-5s relative plain objective %.3f, contrast %.3f, saturated %.1f%%%n",
          gains[gi],
          score,
          std,
          100 * sat);
      pairs.add(String.format(Locale.ROOT, "gain_%s=%.3f/%.3f/%.3f", gains[gi], score, std, sat));
    }
    System.out.println("contact sheet: " + out.resolve("sheet.png"));
    // Last line: gain_<g>=<relative objective>/<contrast>/<saturated share>.
    System.out.println(String.join(" ", pairs));
  }
}
