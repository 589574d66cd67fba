package org.lucerna.job;

import java.util.List;
import org.lucerna.model.MetadataOverride;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.TransformSpec;

/**
 * A render request in its normalized form: every default filled in, as the job document shows it. It
 * is a value that can be stored and sent to another instance; nothing in it refers to this process.
 *
 * @param height image height in pixels
 * @param width image width in pixels
 * @param redirectedRelu Lucid's redirected ReLU gradient for the first steps (see the optimizer's PlanSpec)
 * @param input the request's override of the model's value range or channel order, or null
 * @param startImage the picture every batch element starts from, or null to start from the seed's noise
 */
public record JobSpec(
    String model,
    long version,
    Objective objective,
    int height,
    int width,
    int batch,
    int steps,
    long seed,
    double learningRate,
    List<Integer> snapshots,
    ParamSpec param,
    List<TransformSpec> transforms,
    FitMode fit,
    boolean normalizeGradient,
    boolean redirectedRelu,
    MetadataOverride input,
    StartImageRef startImage) {

  public JobSpec {
    snapshots = List.copyOf(snapshots);
    transforms = List.copyOf(transforms);
  }

  /** The structure of the render, which decides the plan it runs on. */
  public PlanSpec planSpec() {
    return PlanSpec.of(height, width, batch, objective).withParam(param).withTransforms(transforms).withFit(fit)
        .withNormalizedGradient(normalizeGradient).withRedirectedRelu(redirectedRelu);
  }

  /** This spec on model version {@code v}. */
  public JobSpec withVersion(long v) {
    return new JobSpec(model, v, objective, height, width, batch, steps, seed, learningRate, snapshots, param,
        transforms, fit, normalizeGradient, redirectedRelu, input, startImage);
  }
}
