package org.lucerna.optvis;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;
import org.lucerna.model.TensorFlowLogLevel;
import org.lucerna.optvis.transform.Transforms;
import org.lucerna.testing.TestModels;

/**
 * A child JVM for {@link CleanLogTest}: applies a service log level to TensorFlow's log, prepares a
 * model, builds the standard recipe's plan on a layer and renders two steps. Arguments: {@code <log
 * level> <model root or "-" for the tiny CNN> <model> <layer> <size>}.
 */
public final class PlanLogProbe {
  public static void main(String[] args) {
    TensorFlowLogLevel.apply(args[0]);
    System.out.println(
        "probe TF_CPP_MIN_LOG_LEVEL=" + TensorFlowLogLevel.nativeValue("TF_CPP_MIN_LOG_LEVEL"));
    PreparedModel model =
        args[1].equals("-")
            ? TestModels.tinyCnn()
            : new ModelRegistry(new ModelRepository(Path.of(args[1])))
                .get(args[2], OptionalLong.empty());
    int size = Integer.parseInt(args[4]);
    Objective objective = Objectives.channel(args[3], 0);
    try (PlanCache cache = new PlanCache(1, ExecutionOptions.CPU_DEFAULT)) {
      cache
          .get(model, PlanSpec.of(size, size, 1, objective).withTransforms(Transforms.standard()))
          .render(objective, new RenderSettings(2, 1), RenderListener.NONE);
    }
    System.out.println("probe rendered " + model.id() + " " + args[3]);
  }
}
