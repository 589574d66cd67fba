package org.lucerna.job;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The objective at one step of a render. Written as a pair {@code [step, objective]}: a curve of
 * 128 points stays a few kilobytes, in stored jobs and in job documents alike.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"step", "objective"})
public record CurvePoint(int step, double objective) {}
