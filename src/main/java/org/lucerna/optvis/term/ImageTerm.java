package org.lucerna.optvis.term;

/**
 * A term on the rendered image rather than on a layer: the penalties and the constant. They read no
 * layer, so renaming the layer of an objective leaves them as they are.
 */
public interface ImageTerm extends Term {

  @Override
  default String layer() {
    return null;
  }

  /** The graph of an image term: it reads no layer. */
  interface Graph extends TermGraph {
    @Override
    default String layer() {
      return null;
    }
  }
}
