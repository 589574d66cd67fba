package org.lucerna.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanCache;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/**
 * What rendering a layer's channels as a sweep gains: {@code --channels} channels rendered as batch
 * elements of one plan, {@code --batch} at a time (weighted channels, one row per image, every
 * image from the same noise: what a sweep's batch jobs do), against one render of batch 1 per
 * channel (what one job per channel does). Both sides use plans built beforehand (a worker keeps
 * its plans), so the figures are render time only. The two sides take turns a batch at a time and a
 * line after each batch gives the figures so far with the load average; the last line is {@code
 * sweep_s_per_channel=… single_s_per_channel=… speedup=…}. {@code --channels} is rounded up to
 * whole batches.
 *
 * <p>Arguments: {@code --root models --model inception_v3 --layer mixed4 --channels 64 --batch 8
 * --size 128 --steps 128}; without {@code --model}, the built-in tiny CNN's conv3.
 */
public final class SweepBenchmark {
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    PreparedModel model =
        a.containsKey("model")
            ? new ModelRegistry(new ModelRepository(Path.of(a.getOrDefault("root", "models"))))
                .get(a.get("model"), OptionalLong.empty())
            : TestModels.tinyCnn();
    String layer = a.getOrDefault("layer", a.containsKey("model") ? "mixed4" : "conv3");
    int channels = Integer.parseInt(a.getOrDefault("channels", "64"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "8"));
    int size = Integer.parseInt(a.getOrDefault("size", "128"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "128"));
    int layerChannels = model.layers().get(layer).channels();
    System.out.printf(
        Locale.ROOT,
        "model %s, layer %s, %d channels in batches of %d, %d px, %d steps, TF_ENABLE_ONEDNN_OPTS=%s,"
            + " %d processors%n",
        model.id(),
        layer,
        channels,
        batch,
        size,
        steps,
        System.getenv("TF_ENABLE_ONEDNN_OPTS"),
        Runtime.getRuntime().availableProcessors());
    RenderSettings settings = new RenderSettings(steps, 0).withSharedStart();
    try (PlanCache cache = new PlanCache(2, ExecutionOptions.CPU_DEFAULT)) {
      Plan batched =
          cache.get(
              model,
              PlanSpec.of(size, size, batch, rows(layer, layerChannels, 0, batch))
                  .withTransforms(Transforms.standard()));
      Plan single =
          cache.get(
              model,
              PlanSpec.of(size, size, 1, Objectives.channel(layer, 0))
                  .withTransforms(Transforms.standard()));
      // One short untimed render each: the first runs of a session set up its kernels.
      batched.render(
          rows(layer, layerChannels, 0, batch), new RenderSettings(2, 0), RenderListener.NONE);
      single.render(Objectives.channel(layer, 0), new RenderSettings(2, 0), RenderListener.NONE);

      // Interleaved, a batch of channels at a time: its sweep render, then the same channels one
      // by one. On a shared machine the load drifts; interleaving gives both sides the same drift,
      // and a run stopped early still prints figures for the channels done so far.
      double sweepSeconds = 0;
      double singleSeconds = 0;
      int done = 0;
      for (int first = 0; first < channels; first += batch) {
        long t0 = System.nanoTime();
        batched.render(rows(layer, layerChannels, first, batch), settings, RenderListener.NONE);
        sweepSeconds += (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        for (int c = first; c < first + batch; c++) {
          single.render(
              Objectives.channel(layer, c % layerChannels), settings, RenderListener.NONE);
        }
        singleSeconds += (System.nanoTime() - t0) / 1e9;
        done += batch;
        System.out.printf(
            Locale.ROOT,
            "after %d channels: sweep %.3f s per channel, single %.3f s per channel, load %s%n",
            done,
            sweepSeconds / done,
            singleSeconds / done,
            loadAverage());
      }
      double sweep = sweepSeconds / done;
      double alone = singleSeconds / done;
      System.out.printf(
          Locale.ROOT,
          "sweep_s_per_channel=%.4f single_s_per_channel=%.4f speedup=%.2f%n",
          sweep,
          alone,
          alone / sweep);
    }
  }

  /** The 1, 5 and 15 minute load averages, as uptime prints them (the machine is shared). */
  private static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** One row of weights per image: channel first + k on image k. */
  private static Objective rows(String layer, int layerChannels, int first, int batch) {
    double[][] w = new double[batch][layerChannels];
    for (int k = 0; k < batch; k++) {
      w[k][(first + k) % layerChannels] = 1;
    }
    return Objectives.weightedChannels(layer, w);
  }
}
