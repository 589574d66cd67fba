package org.lucerna.optvis.param;

/**
 * A {@link Basis} that no picture maps back to (MACO's fixed magnitude, a CPPN's network): a render
 * of it starts from its seeded parameters, never from a picture.
 */
interface UninvertibleBasis extends Basis {
  @Override
  default boolean invertible() {
    return false;
  }

  @Override
  default double[] toParameters(double[] image) {
    throw new UnsupportedOperationException("no picture maps back to these parameters");
  }
}
