package org.lucerna.model.tfjs;

import org.lucerna.model.ModelException;

/** A layer (or a setting of one) that the importer cannot build, named so the user can find it. */
public final class UnsupportedLayerException extends ModelException {
  private final String layer;
  private final String className;

  public UnsupportedLayerException(String layer, String className, String what) {
    super("layer '" + layer + "' (" + className + ") cannot be imported: " + what);
    this.layer = layer;
    this.className = className;
  }

  public String layer() {
    return layer;
  }

  public String className() {
    return className;
  }
}
