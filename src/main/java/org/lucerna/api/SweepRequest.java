package org.lucerna.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.List;
import org.lucerna.job.InvalidJobException;
import org.lucerna.job.Limits;
import org.lucerna.model.MetadataOverride;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.TransformList;

/**
 * The body of {@code POST /sweeps}: a layer, its channels ({@code "all"}, a range {@code "0-63"},
 * or a list), what of each channel is maximized, and the render fields of {@code POST /visualize}
 * that apply to a unit on its own (no objective, batch, snapshots or start image).
 */
public record SweepRequest(
    @Size(max = 64, message = "must be at most {max} characters") String model,
    @Min(value = 1, message = "must be at least {value}") Long version,
    @NotNull(message = "is required: the layer whose channels to render") String layer,
    JsonNode channels,
    @Pattern(regexp = "channel|neuron", message = "must be \"channel\" or \"neuron\"") String kind,
    @Min(value = Limits.MIN_SIZE, message = "must be at least {value} pixels") @WithinLimit("size")
        Integer size,
    @Min(value = Limits.MIN_SIZE, message = "must be at least {value} pixels") @WithinLimit("size")
        Integer height,
    @Min(value = Limits.MIN_SIZE, message = "must be at least {value} pixels") @WithinLimit("size")
        Integer width,
    @Min(value = 1, message = "must be at least {value}") @WithinLimit("steps") Integer steps,
    Long seed,
    @Valid VisualizeRequest.Optimizer optimizer,
    ParamSpec param,
    TransformList transforms,
    @Pattern(regexp = "resize|crop_or_pad", message = "must be \"resize\" or \"crop_or_pad\"")
        String fit,
    Boolean normalizeGradient,
    Boolean redirectedRelu,
    @JsonDeserialize(using = InputOverrideJson.class) MetadataOverride input) {

  /** The channels asked for, in the order given; null for every channel of the layer. */
  List<Integer> channelList() {
    if (channels == null || channels.isNull()) {
      return null;
    }
    if (channels.isTextual()) {
      String text = channels.asText().trim();
      if (text.equals("all")) {
        return null;
      }
      String[] ends = text.split("-", -1);
      try {
        if (ends.length == 2) {
          int first = Integer.parseInt(ends[0].trim());
          int last = Integer.parseInt(ends[1].trim());
          if (first > last) {
            throw new InvalidJobException("channels", "a range goes upwards; got " + text);
          }
          List<Integer> list = new ArrayList<>();
          for (int c = first; c <= last; c++) {
            list.add(c);
          }
          return list;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw new InvalidJobException(
          "channels",
          "must be \"all\", a range such as \"0-63\", or a list of channels; got " + text);
    }
    if (channels.isArray() && !channels.isEmpty()) {
      List<Integer> list = new ArrayList<>();
      for (JsonNode n : channels) {
        if (!n.isInt()) {
          throw new InvalidJobException(
              "channels", "each channel must be a whole number; got " + n);
        }
        if (!list.contains(n.asInt())) {
          list.add(n.asInt());
        }
      }
      return list;
    }
    throw new InvalidJobException(
        "channels", "must be \"all\", a range such as \"0-63\", or a non-empty list of channels");
  }
}
