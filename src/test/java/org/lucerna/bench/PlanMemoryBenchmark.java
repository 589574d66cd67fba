package org.lucerna.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.lucerna.model.LayerShapes;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.TinyCnn;
import org.lucerna.model.tfjs.ModelZoo;
import org.lucerna.optvis.ExecutionOptions;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.Plan;
import org.lucerna.optvis.PlanMemory;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderListener;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Prints the memory {@link PlanMemory} reckons for a render next to what the render takes: the
 * growth of the process's resident memory while its plan is built and runs a few steps, from {@code
 * /proc/self/status} (VmHWM, the peak, reset through {@code /proc/self/clear_refs} just before;
 * VmRSS before). Each case runs in a fresh JVM, since memory freed by one render stays with the
 * allocator and would hide the next render's. The heap is fixed and touched at start, so what grows
 * is TensorFlow's native memory, which is what the estimate is about (the Java heap has its own
 * bound, -Xmx).
 *
 * <p>Run by hand (README, "Memory of a render"):
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * TF_ENABLE_ONEDNN_OPTS=1 java -cp target/classes:target/test-classes:$(cat target/test.cp) \
 *     org.lucerna.bench.PlanMemoryBenchmark [--root target/test-models] [--estimate-only] [model:layer:size:batch ...]
 * </pre>
 *
 * <p>With {@code --estimate-only}, a case {@code model:layer:size:batch:maco} is reckoned with
 * MACO's parametrization and transforms. The repository gets {@code tiny_cnn}, {@code cifar10_cnn}
 * (from ../shared/models) and the zoo's {@code inception_v3} (from npm) if they are missing.
 * Standard transforms, Fourier parametrization, channel 0 of the layer.
 */
public final class PlanMemoryBenchmark {
  private static final int STEPS = 3;

  private static final List<String> DEFAULT_CASES =
      List.of(
          "tiny_cnn:conv3:128:1",
          "tiny_cnn:conv3:512:4",
          "tiny_cnn:conv3:1024:4",
          "cifar10_cnn:conv2d_1:128:1",
          "cifar10_cnn:conv2d_1:512:4",
          "cifar10_cnn:conv2d_1:1024:4",
          "inception_v3:mixed4:128:1",
          "inception_v3:mixed4:224:1",
          "inception_v3:mixed4:299:1",
          "inception_v3:mixed4:128:4",
          "inception_v3:mixed4:224:4",
          "inception_v3:mixed4:299:4",
          "inception_v3:mixed10:299:4");

  private PlanMemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(Path.of(args[1]), args[2]);
      return;
    }
    Path root = TestModels.ROOT;
    List<String> cases = new ArrayList<>();
    boolean estimateOnly = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--root")) {
        root = Path.of(args[++i]).toAbsolutePath();
      } else if (args[i].equals("--estimate-only")) {
        estimateOnly = true;
      } else {
        cases.add(args[i]);
      }
    }
    if (cases.isEmpty()) {
      cases = DEFAULT_CASES;
    }
    prepareModels(root, cases);
    if (estimateOnly) {
      // The estimates alone, in this JVM: quick, for a check of the formula against a table.
      try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root))) {
        LayerShapes shapes = new LayerShapes();
        for (String c : cases) {
          String[] p = c.split(":");
          int size = Integer.parseInt(p[2]);
          PlanSpec spec =
              PlanSpec.of(size, size, Integer.parseInt(p[3]), Objectives.channel(p[1], 0))
                  .withTransforms(Transforms.standard());
          if (p.length > 4 && p[4].equals("maco")) {
            // MACO's recipe: its parametrization and its 32 crops with noise.
            spec =
                spec.withParam(
                        new org.lucerna.optvis.param.ParamSpec(
                            org.lucerna.optvis.param.ParamSpec.Kind.MACO,
                            1,
                            true,
                            org.lucerna.optvis.param.ParamSpec.Squash.SIGMOID,
                            1))
                    .withTransforms(Transforms.maco());
          }
          PlanMemory.Estimate e =
              PlanMemory.estimate(registry.get(p[0], OptionalLong.empty()), spec, shapes);
          System.out.println(c + ": " + e.describe());
        }
      }
      return;
    }
    System.out.println(
        "| model | layer | size | batch | estimate | measured peak growth | estimate / measured |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String c : cases) {
      System.out.println(runChild(root, c));
    }
  }

  private static void prepareModels(Path root, List<String> cases) throws Exception {
    Files.createDirectories(root);
    if (cases.stream().anyMatch(c -> c.startsWith(TinyCnn.NAME + ":"))) {
      Path dir = root.resolve(TinyCnn.NAME).resolve("1");
      if (!Files.exists(dir.resolve("saved_model.pb"))) {
        TinyCnn.write(dir);
      }
    }
    if (cases.stream().anyMatch(c -> c.startsWith("cifar10_cnn:"))) {
      TestModels.copyShared("cifar10_cnn", root.resolve("cifar10_cnn").resolve("1"));
    }
    if (cases.stream().anyMatch(c -> c.startsWith("inception_v3:"))) {
      ModelZoo.install(root, ModelZoo.MODELS, null, System.err);
    }
    // Prepared once here, so that no child spends its time (or its memory) preparing.
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root))) {
      for (String c : cases) {
        registry.get(c.split(":")[0], OptionalLong.empty());
      }
    }
  }

  private static String runChild(Path root, String c) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xms1536m",
            "-Xmx1536m",
            "-XX:+AlwaysPreTouch",
            "-cp",
            System.getProperty("java.class.path"),
            PlanMemoryBenchmark.class.getName(),
            "--child",
            root.toString(),
            c);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String last = "| " + c + " | failed |";
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("|")) {
          last = line;
        }
      }
    }
    p.waitFor();
    return last;
  }

  private static void child(Path root, String c) throws IOException {
    String[] parts = c.split(":");
    String name = parts[0];
    String layer = parts[1];
    int size = Integer.parseInt(parts[2]);
    int batch = Integer.parseInt(parts[3]);
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root))) {
      PreparedModel model = registry.get(name, OptionalLong.empty());
      Objective objective = Objectives.channel(layer, 0);
      PlanSpec spec =
          PlanSpec.of(size, size, batch, objective).withTransforms(Transforms.standard());
      PlanMemory.Estimate estimate = PlanMemory.estimate(model, spec, new LayerShapes());
      warmUpTensorFlow();
      System.gc();
      long before = status("VmRSS");
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      try (Plan plan = Plan.build(model, spec, ExecutionOptions.CPU_DEFAULT)) {
        plan.render(objective, new RenderSettings(STEPS, 1), RenderListener.NONE);
      }
      long peak = status("VmHWM");
      long grown = peak - before;
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %d | %d | %s | %s | %.2f |%n",
          name,
          layer,
          size,
          batch,
          PlanMemory.bytes(estimate.total()),
          PlanMemory.bytes(grown),
          estimate.total() / (double) grown);
      System.err.println(c + ": " + estimate.describe());
    }
  }

  /** Loads TensorFlow's runtime (threads, kernels) so that its fixed cost is in the baseline. */
  private static void warmUpTensorFlow() {
    try (Graph g = new Graph();
        Session s = new Session(g, ExecutionOptions.CPU_DEFAULT.toConfigProto())) {
      Ops tf = Ops.create(g);
      var m = tf.constant(new float[][] {{1, 2}, {3, 4}});
      var out = tf.linalg.matMul(m, m);
      try (var r = s.runner().fetch(out).run()) {
        ((TFloat32) r.get(0)).getFloat(0, 0);
      }
    }
  }

  /** A {@code /proc/self/status} field in bytes (the file gives kB). */
  private static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/self/status");
  }
}
