package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * A term whose only argument is its layer: it reads the whole layer at once, so its JSON is just
 * {@code "layer"} and its description the kind's type name with the layer.
 */
interface WholeLayerTerm extends Term {

  @Override
  default void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("layer", layer());
  }

  @Override
  default String describe() {
    return getClass().getSimpleName() + "[" + layer() + "]";
  }
}
