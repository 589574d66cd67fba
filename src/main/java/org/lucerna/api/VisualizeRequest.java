package org.lucerna.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.lucerna.job.Limits;
import org.lucerna.model.MetadataOverride;
import org.lucerna.optvis.LearningRateSchedule;
import org.lucerna.optvis.Objective;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.TransformList;

/**
 * The body of {@code POST /visualize}. Only {@code objective} is required; every other field has a
 * default, which the job document shows. The objective is a string or a structured object, see
 * {@link Objective}. {@code height} and {@code width} default to {@code size}; {@code input}
 * overrides the model's value range or channel order (see {@link InputOverrideJson}); {@code
 * startImage} is base64 of a PNG or JPEG file (see {@link StartImageUpload}).
 */
public record VisualizeRequest(
    @Size(max = 64, message = "must be at most {max} characters") String model,
    @Min(value = 1, message = "must be at least {value}") Long version,
    Objective objective,
    @Min(value = Limits.MIN_SIZE, message = "must be at least {value} pixels") @WithinLimit("size")
        Integer size,
    @Min(value = Limits.MIN_SIZE, message = "must be at least {value} pixels") @WithinLimit("size")
        Integer height,
    @Min(value = Limits.MIN_SIZE, message = "must be at least {value} pixels") @WithinLimit("size")
        Integer width,
    @Min(value = 1, message = "must be at least {value}") @WithinLimit("steps") Integer steps,
    @Min(value = 1, message = "must be at least {value}") @WithinLimit("batch") Integer batch,
    Long seed,
    @WithinLimit("snapshots")
        List<
                @NotNull(message = "must be a step number")
                @Min(value = 1, message = "must be at least {value}") @WithinLimit("steps") Integer>
            snapshots,
    @Valid Optimizer optimizer,
    ParamSpec param,
    TransformList transforms,
    @Pattern(regexp = "resize|crop_or_pad", message = "must be \"resize\" or \"crop_or_pad\"")
        String fit,
    Boolean normalizeGradient,
    Boolean redirectedRelu,
    @JsonDeserialize(using = InputOverrideJson.class) MetadataOverride input,
    String startImage,
    Boolean sharedStart) {

  /**
   * The optimizer and its settings; with {@code "param": {"type": "maco"}} the defaults are MACO's
   * (NAdam, learning rate 1).
   */
  public record Optimizer(
      @Pattern(regexp = "adam|nadam", message = "must be \"adam\" or \"nadam\"") String type,
      @DecimalMin(value = "0", inclusive = false, message = "must be greater than {value}")
          @DecimalMax(value = "10", message = "must be at most {value}")
          Double learningRate,
      @Valid Schedule schedule) {

    /** The schedule asked for, what it leaves out taken from {@code defaults}. */
    static LearningRateSchedule schedule(Optimizer o, LearningRateSchedule defaults) {
      Schedule s = o == null ? null : o.schedule();
      return s == null
          ? defaults
          : new LearningRateSchedule(
              s.warmup() == null ? defaults.warmup() : s.warmup(),
              s.decayTo() == null ? defaults.decayTo() : s.decayTo());
    }
  }

  /**
   * How the learning rate changes over the steps (see {@link LearningRateSchedule}): {@code
   * {"warmup": 0, "decayTo": 1}} keeps it constant.
   */
  public record Schedule(
      @DecimalMin(value = "0", message = "must be at least {value}")
          @DecimalMax(value = "0.5", message = "must be at most {value}")
          Double warmup,
      @DecimalMin(value = "0", message = "must be at least {value}")
          @DecimalMax(value = "1", message = "must be at most {value}")
          Double decayTo) {}
}
