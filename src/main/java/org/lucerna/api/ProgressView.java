package org.lucerna.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.lucerna.job.CurvePoint;
import org.lucerna.job.Progress;

/**
 * A job's progress as clients see it. {@code curve} is the job's objective curve, {@code [[step,
 * objective], ...]} with steps ascending (every step of a job of up to 128 steps, at most 128
 * points for a longer one, ending at the last step written); a job document and a progress event
 * carry it, listings and sweep documents leave it out (it is most of the progress's size, and a
 * page of 50 jobs or a sweep's batches would carry 50 of them). Its schema is {@code
 * ObjectiveCurve} in {@code META-INF/openapi.yaml}.
 */
public record ProgressView(
    int step,
    int totalSteps,
    Double objective,
    Double stepsPerSecond,
    List<Integer> snapshots,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(ref = "ObjectiveCurve")
        List<CurvePoint> curve) {

  static ProgressView of(Progress p) {
    return new ProgressView(
        p.step(), p.totalSteps(), p.objective(), p.stepsPerSecond(), p.snapshots(), p.curve());
  }

  static ProgressView withoutCurve(Progress p) {
    return new ProgressView(
        p.step(), p.totalSteps(), p.objective(), p.stepsPerSecond(), p.snapshots(), null);
  }
}
