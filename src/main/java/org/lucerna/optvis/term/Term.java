package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Locale;
import org.lucerna.model.LayerInfo;
import org.lucerna.model.LayerShapes;

/**
 * One kind of thing a render can maximize, with its arguments. Terms read a layer's activations, or
 * (the image penalties) the image itself. Every term is "higher is better"; penalties are meant to
 * enter an objective with a negative weight. A dense layer {@code [B, C]} reads as {@code [B, 1, 1,
 * C]}.
 *
 * <p>Each kind is one type that knows its JSON name and fields ({@link #kind()}, {@link
 * #writeFields}), its check against the model, its description, and the graph it builds ({@link
 * #graph()}). A new kind is a new type plus its line in {@link TermKinds}.
 */
public interface Term {

  /** The layer read, or null for terms on the image. */
  String layer();

  String describe();

  /** This term reading {@code other} instead of its layer; terms on the image stay as they are. */
  default Term withLayer(String other) {
    return this;
  }

  TermKind kind();

  /** Writes the term's own fields, in their order, after {@code "kind"}. */
  void writeFields(JsonGenerator g) throws IOException;

  /**
   * What the term adds to a plan's graph: equal for terms that share a plan, which feeds the rest.
   */
  TermGraph graph();

  /**
   * Checks the term against the layer it reads (null for terms on the image) and the batch size,
   * before any graph is built and again before its arguments are fed.
   *
   * @throws IllegalArgumentException naming what is out of range
   */
  default void check(LayerInfo layer, int batch) {}

  /**
   * The channels of its layer that the term's value depends on; the whole layer unless the term
   * says less. When every term on a layer that concatenates several inputs reads channels of one of
   * them, a plan reads that input alone, and the other inputs are neither computed nor
   * differentiated.
   */
  default ChannelSpan channelsRead(LayerInfo layer) {
    return ChannelSpan.all(layer);
  }

  /** Whether {@link #checkSize} needs the layer's size, which takes shape inference to tell. */
  default boolean needsLayerSize() {
    return false;
  }

  /**
   * Checks the term against its layer's height and width at the smallest image the model sees,
   * described by {@code seen}.
   *
   * @throws org.lucerna.optvis.SpecFormatException naming the term's own field, such as {@code x}
   */
  default void checkSize(LayerInfo layer, LayerShapes.Spatial size, String seen) {}

  /** A number as a description shows it: whole numbers without a fraction. */
  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%g", v);
  }
}
