package org.lucerna.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.lucerna.model.MetadataOverride;
import org.lucerna.optvis.LearningRateSchedule;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.Optimizer;
import org.lucerna.optvis.PlanSpec;
import org.lucerna.optvis.RenderSettings;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.TransformSpec;

/**
 * A render request in its normalized form: every default filled in, as the job document shows it.
 * It is a value that can be stored and sent to another instance; nothing in it refers to this
 * process.
 *
 * @param height image height in pixels
 * @param width image width in pixels
 * @param redirectedRelu Lucid's redirected ReLU gradient for the first steps (see the optimizer's
 *     PlanSpec)
 * @param input the request's override of the model's value range or channel order, or null
 * @param startImage the picture every batch element starts from, or null to start from the seed's
 *     noise
 * @param optimizer the update rule; null reads as Adam
 * @param schedule how the learning rate changes over the steps; null reads as constant, which is
 *     left out of the stored form so that jobs stored before schedules keep their fingerprints
 * @param sharedStart every batch element starts from the noise a batch of one gets from the seed
 *     (see the optimizer's RenderSettings); left out of the stored form, and so of the fingerprint,
 *     while false, so that jobs stored before it keep their fingerprints
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
    StartImageRef startImage,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean sharedStart,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Adam.class) Optimizer optimizer,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Constant.class)
        LearningRateSchedule schedule) {

  public JobSpec {
    snapshots = List.copyOf(snapshots);
    transforms = List.copyOf(transforms);
    optimizer = optimizer == null ? Optimizer.ADAM : optimizer;
    schedule = schedule == null ? LearningRateSchedule.CONSTANT : schedule;
  }

  /** Leaves the constant learning rate, the only one before schedules, out of the stored form. */
  static final class Constant {
    @Override
    public boolean equals(Object o) {
      return o == null || LearningRateSchedule.CONSTANT.equals(o);
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /**
   * Leaves Adam, the default, out of the stored form, so that jobs stored before there was a choice
   * keep their fingerprints.
   */
  static final class Adam {
    @Override
    public boolean equals(Object o) {
      return o == null || o == Optimizer.ADAM;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /**
   * A spec whose batch elements each start from their own noise, rendered with Adam at a constant
   * learning rate.
   */
  public JobSpec(
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
    this(
        model,
        version,
        objective,
        height,
        width,
        batch,
        steps,
        seed,
        learningRate,
        snapshots,
        param,
        transforms,
        fit,
        normalizeGradient,
        redirectedRelu,
        input,
        startImage,
        false,
        Optimizer.ADAM,
        LearningRateSchedule.CONSTANT);
  }

  /**
   * A spec as stored, for {@link JobJson}: jobs stored before rectangular images have one {@code
   * size} for both sides instead of {@code height} and {@code width}.
   */
  @JsonCreator
  static JobSpec stored(
      @JsonProperty("model") String model,
      @JsonProperty("version") long version,
      @JsonProperty("objective") Objective objective,
      @JsonProperty("height") Integer height,
      @JsonProperty("width") Integer width,
      @JsonProperty("size") Integer size,
      @JsonProperty("batch") int batch,
      @JsonProperty("steps") int steps,
      @JsonProperty("seed") long seed,
      @JsonProperty("learningRate") double learningRate,
      @JsonProperty("snapshots") List<Integer> snapshots,
      @JsonProperty("param") ParamSpec param,
      @JsonProperty("transforms") List<TransformSpec> transforms,
      @JsonProperty("fit") FitMode fit,
      @JsonProperty("normalizeGradient") boolean normalizeGradient,
      @JsonProperty("redirectedRelu") boolean redirectedRelu,
      @JsonProperty("input") MetadataOverride input,
      @JsonProperty("startImage") StartImageRef startImage,
      @JsonProperty("sharedStart") boolean sharedStart,
      @JsonProperty("optimizer") Optimizer optimizer,
      @JsonProperty("schedule") LearningRateSchedule schedule) {
    return new JobSpec(
        model,
        version,
        objective,
        orSize(height, size),
        orSize(width, size),
        batch,
        steps,
        seed,
        learningRate,
        snapshots,
        param,
        transforms,
        fit,
        normalizeGradient,
        redirectedRelu,
        input,
        startImage,
        sharedStart,
        optimizer,
        schedule);
  }

  private static int orSize(Integer side, Integer size) {
    return side != null ? side : size != null ? size : 0;
  }

  /** The structure of the render, which decides the plan it runs on. */
  public PlanSpec planSpec() {
    return PlanSpec.of(height, width, batch, objective)
        .withParam(param)
        .withTransforms(transforms)
        .withFit(fit)
        .withNormalizedGradient(normalizeGradient)
        .withRedirectedRelu(redirectedRelu)
        .withOptimizer(optimizer);
  }

  /** This spec on model version {@code v}. */
  public JobSpec withVersion(long v) {
    return with(v, objective);
  }

  /** This spec with another objective (its layers named in full, say). */
  public JobSpec withObjective(Objective o) {
    return with(version, o);
  }

  private JobSpec with(long v, Objective o) {
    return new JobSpec(
        model,
        v,
        o,
        height,
        width,
        batch,
        steps,
        seed,
        learningRate,
        snapshots,
        param,
        transforms,
        fit,
        normalizeGradient,
        redirectedRelu,
        input,
        startImage,
        sharedStart,
        optimizer,
        schedule);
  }

  /**
   * This spec rendering {@code objective} on {@code batch} images, without snapshots; with {@code
   * shared}, every image starts from the first one's noise.
   */
  public JobSpec withObjective(Objective objective, int batch, boolean shared) {
    return new JobSpec(
        model,
        version,
        objective,
        height,
        width,
        batch,
        steps,
        seed,
        learningRate,
        List.of(),
        param,
        transforms,
        fit,
        normalizeGradient,
        redirectedRelu,
        input,
        startImage,
        shared,
        optimizer,
        schedule);
  }

  /** What varies between renders on this spec's plan. */
  public RenderSettings renderSettings() {
    return new RenderSettings(steps, seed, learningRate, snapshots).withSchedule(schedule);
  }
}
