package org.lucerna.optvis.transform;

/** How {@link TransformSpec.Pad} fills the border. */
public enum PadMode {
  /** A constant value (0.5, mid gray, by default). */
  CONSTANT,
  /** Mirror the image without repeating the edge pixel; the width must be smaller than the image side. */
  REFLECT
}
