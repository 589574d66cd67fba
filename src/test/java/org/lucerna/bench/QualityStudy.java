package org.lucerna.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.ImageBatch;
import org.lucerna.optvis.LearningRateSchedule;
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
 * Quality per step: for each candidate recipe, step count and unit, a render with the standard
 * transforms, then the unit's value on the finished image seen plainly (no transforms), its
 * contrast and its share of saturated pixels. Prints every render as it ends and appends it to
 * {@code results.tsv} (a run that is stopped and started again skips what is there), then a table
 * per step count: each candidate's value relative to the best candidate for that unit and step
 * count, averaged over the units, with the contrast and the saturation. Writes a contact sheet per
 * candidate (rows: units, columns: step counts). Not a test.
 *
 * <p>A candidate is {@code name:key=value,...} with the keys {@code gain}, {@code lr}, {@code
 * warmup}, {@code decayTo} (the learning rate schedule), {@code decay} (the Fourier spectrum's
 * frequency decay) and {@code decorrelate}; what it leaves out is today's default.
 *
 * <p>Arguments: {@code --root models --model inception_v3 --units mixed4:97,mixed4:200,mixed4:300
 * --steps 64,128,256,512,1024 --size 224 --seed 1 --candidates
 * "base:gain=1;cosine:gain=1,decayTo=0.1" --out target/quality-study [--sheets-only true]}.
 */
public final class QualityStudy {

  /** A recipe under study. */
  record Candidate(String name, ParamSpec param, double lr, LearningRateSchedule schedule) {
    static Candidate parse(String text) {
      String[] nameAndKeys = text.split(":", 2);
      Map<String, String> k = new HashMap<>();
      if (nameAndKeys.length > 1 && !nameAndKeys[1].isBlank()) {
        for (String pair : nameAndKeys[1].split(",")) {
          String[] kv = pair.split("=", 2);
          k.put(kv[0].trim(), kv[1].trim());
        }
      }
      ParamSpec d = ParamSpec.DEFAULT;
      return new Candidate(
          nameAndKeys[0].trim(),
          new ParamSpec(
              ParamSpec.Kind.FOURIER,
              Double.parseDouble(k.getOrDefault("decay", String.valueOf(d.decay()))),
              Boolean.parseBoolean(k.getOrDefault("decorrelate", "true")),
              ParamSpec.Squash.SIGMOID,
              Double.parseDouble(k.getOrDefault("gain", String.valueOf(d.gain())))),
          Double.parseDouble(k.getOrDefault("lr", "0.05")),
          new LearningRateSchedule(
              Double.parseDouble(k.getOrDefault("warmup", "0")),
              Double.parseDouble(k.getOrDefault("decayTo", "1"))));
    }
  }

  /** One render's measures. */
  record Measure(double plain, double contrast, double saturated) {}

  public static void main(String[] args) throws Exception {
    StudyArgs a = new StudyArgs(args);
    PreparedModel model = a.model();
    List<String> units = List.of(a.get("units", "mixed4:97").split(","));
    int[] stepCounts =
        Arrays.stream(a.get("steps", "64,128,256,512,1024").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    List<Candidate> candidates =
        Arrays.stream(a.get("candidates", "base:").split(";")).map(Candidate::parse).toList();
    int size = Integer.parseInt(a.get("size", "224"));
    long seed = Long.parseLong(a.get("seed", "1"));
    int tile = Integer.parseInt(a.get("tile", "112"));
    Path out = Path.of(a.get("out", "target/quality-study"));
    // Only the sheets and tables of what results.tsv holds: nothing is rendered.
    boolean sheetsOnly = Boolean.parseBoolean(a.get("sheets-only", "false"));
    Files.createDirectories(out);
    Path tsv = out.resolve("results.tsv");
    Map<String, Measure> done = readResults(tsv);
    System.out.printf(
        Locale.ROOT,
        "model %s, units %s, steps %s, %d px, seed %d, %d candidates%n",
        model.id(),
        units,
        Arrays.toString(stepCounts),
        size,
        seed,
        candidates.size());

    for (Candidate c : candidates) {
      BufferedImage sheet =
          new BufferedImage(
              tile * stepCounts.length, tile * units.size(), BufferedImage.TYPE_INT_RGB);
      Map<String, List<String>> byLayer = new LinkedHashMap<>();
      for (String u : units) {
        byLayer.computeIfAbsent(u.split(":")[0], x -> new ArrayList<>()).add(u);
      }
      for (var layer : byLayer.entrySet()) {
        Objective first = channel(layer.getValue().get(0));
        PlanSpec render =
            PlanSpec.of(size, size, 1, first)
                .withParam(c.param())
                .withTransforms(Transforms.standard());
        // Seen plainly: the same parametrization (so the image maps back exactly), no transforms.
        PlanSpec look = PlanSpec.of(size, size, 1, first).withParam(c.param());
        Plan renderPlan = null;
        Plan lookPlan = null;
        try {
          for (int si = 0; si < stepCounts.length; si++) {
            int steps = stepCounts[si];
            for (String unit : layer.getValue()) {
              String key = c.name() + "\t" + unit + "\t" + steps;
              Path png =
                  out.resolve(c.name() + "-" + unit.replace(':', '-') + "-" + steps + ".png");
              if (!done.containsKey(key) || !Files.exists(png)) {
                if (sheetsOnly) {
                  continue; // its tile stays black
                }
                if (renderPlan == null) {
                  renderPlan = Plan.build(model, render, ExecutionOptions.CPU_DEFAULT);
                  lookPlan = Plan.build(model, look, ExecutionOptions.CPU_DEFAULT);
                }
                Objective objective = channel(unit);
                long started = System.nanoTime();
                RenderResult r =
                    renderPlan.render(
                        objective,
                        new RenderSettings(steps, seed, c.lr(), List.of())
                            .withSchedule(c.schedule()),
                        RenderListener.NONE);
                double seconds = (System.nanoTime() - started) / 1e9;
                ImageBatch image = r.image();
                double plain =
                    lookPlan.render(
                            objective,
                            new RenderSettings(1, 1, 1e-12, List.of()).withStartImage(image),
                            RenderListener.NONE)
                        .objectives()[0];
                Measure m =
                    new Measure(plain, ImageStats.contrast(image), ImageStats.saturation(image));
                Files.write(png, image.png(0));
                done.put(key, m);
                Files.writeString(
                    tsv,
                    String.format(
                        Locale.ROOT,
                        "%s\t%.4f\t%.4f\t%.5f\t%.1f%n",
                        key,
                        m.plain(),
                        m.contrast(),
                        m.saturated(),
                        seconds),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
                System.out.printf(
                    Locale.ROOT,
                    "%-12s %-12s %5d steps  plain %8.3f  contrast %.3f  saturated %5.2f%%  %.0f s%n",
                    c.name(),
                    unit,
                    steps,
                    m.plain(),
                    m.contrast(),
                    100 * m.saturated(),
                    seconds);
              }
              BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
              Graphics2D g = sheet.createGraphics();
              g.setRenderingHint(
                  RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
              g.drawImage(img, si * tile, units.indexOf(unit) * tile, tile, tile, null);
              g.dispose();
            }
          }
        } finally {
          if (renderPlan != null) {
            renderPlan.close();
            lookPlan.close();
          }
        }
      }
      ImageIO.write(sheet, "png", out.resolve("sheet-" + c.name() + ".png").toFile());
    }
    summarize(units, stepCounts, candidates, done);
    System.out.println("contact sheets: " + out.resolve("sheet-<candidate>.png"));
  }

  /**
   * Per step count: each candidate's value relative to the best candidate for the unit (units
   * differ in scale), averaged over the units some candidate woke, then the mean contrast, the mean
   * and the largest saturation.
   */
  private static void summarize(
      List<String> units, int[] stepCounts, List<Candidate> candidates, Map<String, Measure> done) {
    System.out.println();
    System.out.println(
        "| candidate | steps | relative value | contrast | saturated (mean / max) |");
    System.out.println("|---|---|---|---|---|");
    for (int steps : stepCounts) {
      for (Candidate c : candidates) {
        double rel = 0;
        int ranked = 0;
        double contrast = 0;
        double sat = 0;
        double maxSat = 0;
        int n = 0;
        for (String unit : units) {
          Measure m = done.get(c.name() + "\t" + unit + "\t" + steps);
          if (m == null) {
            continue;
          }
          contrast += m.contrast();
          sat += m.saturated();
          maxSat = Math.max(maxSat, m.saturated());
          n++;
          double best =
              candidates.stream()
                  .map(o -> done.get(o.name() + "\t" + unit + "\t" + steps))
                  .filter(x -> x != null)
                  .mapToDouble(Measure::plain)
                  .max()
                  .orElseThrow();
          // A unit no candidate woke (a ReLU dead from the start) ranks nothing.
          if (best > 1e-6) {
            rel += m.plain() / best;
            ranked++;
          }
        }
        if (n > 0) {
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %.3f | %.3f | %.2f%% / %.2f%% |%n",
              c.name(),
              steps,
              ranked == 0 ? Double.NaN : rel / ranked,
              contrast / n,
              100 * sat / n,
              100 * maxSat);
        }
      }
    }
    System.out.println();
    System.out.print("| unit | candidate |");
    for (int steps : stepCounts) {
      System.out.print(" " + steps + " |");
    }
    System.out.println();
    System.out.println("|---|---|" + "---|".repeat(stepCounts.length));
    for (String unit : units) {
      for (Candidate c : candidates) {
        StringBuilder row = new StringBuilder("| " + unit + " | " + c.name() + " |");
        for (int steps : stepCounts) {
          Measure m = done.get(c.name() + "\t" + unit + "\t" + steps);
          row.append(m == null ? " – |" : String.format(Locale.ROOT, " %.2f |", m.plain()));
        }
        System.out.println(row);
      }
    }
  }

  private static Map<String, Measure> readResults(Path tsv) throws IOException {
    Map<String, Measure> done = new HashMap<>();
    if (Files.exists(tsv)) {
      for (String line : Files.readAllLines(tsv)) {
        String[] f = line.split("\t");
        if (f.length >= 6) {
          done.put(
              f[0] + "\t" + f[1] + "\t" + f[2],
              new Measure(
                  Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
        }
      }
    }
    return done;
  }

  /** {@code layer:channel} as a channel objective. */
  private static Objective channel(String unit) {
    int colon = unit.lastIndexOf(':');
    return Objectives.channel(
        unit.substring(0, colon), Integer.parseInt(unit.substring(colon + 1)));
  }

  private QualityStudy() {}
}
