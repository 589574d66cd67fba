package org.lucerna.optvis.transform;

/** How the transformed image is brought to a model's fixed input size. */
public enum FitMode {
  /** Centre crop a larger image, pad a smaller one with 0.5, per axis; pixels keep their scale. */
  CROP_OR_PAD,
  /** Bilinear resize (half-pixel centres) to the input size; the aspect ratio may change. */
  RESIZE
}
