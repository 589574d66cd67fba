package org.lucerna.optvis.term;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.lucerna.model.LayerInfo;

/** The logit of class {@code index}: a channel of a dense layer. */
public record ClassLogit(String layer, int index) implements LinearTerm {

  @Override
  public Term withLayer(String other) {
    return new ClassLogit(other, index);
  }

  public static final TermKind KIND =
      new TermKind(
          "class_logit",
          List.of("layer", "index"),
          f -> new ClassLogit(f.layer(), f.whole("index")));

  public ClassLogit {
    TermChecks.requireLayer(layer);
    TermChecks.requireIndex("class index", index);
  }

  @Override
  public TermKind kind() {
    return KIND;
  }

  @Override
  public void writeFields(JsonGenerator g) throws IOException {
    g.writeStringField("layer", layer);
    g.writeNumberField("index", index);
  }

  @Override
  public void check(LayerInfo layer, int batch) {
    TermChecks.checkChannel(index, layer);
  }

  @Override
  public float[] weights(LayerInfo layer, int batch) {
    return LinearTerm.oneChannel(index, layer, batch);
  }

  @Override
  public String describe() {
    return "ClassLogit[" + layer + ", " + index + "]";
  }
}
