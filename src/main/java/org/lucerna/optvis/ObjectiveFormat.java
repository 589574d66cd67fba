package org.lucerna.optvis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.lucerna.optvis.term.Term;
import org.lucerna.optvis.term.TermFields;
import org.lucerna.optvis.term.TermKind;
import org.lucerna.optvis.term.TermKinds;

/**
 * The two JSON forms of an {@link Objective}: the short string {@code "mixed4:97"}, and the
 * structured form, a weighted sum of terms:
 *
 * <pre>{"terms": [{"kind": "channel", "layer": "mixed4", "channel": 97},
 *            {"kind": "diversity", "layer": "mixed5", "weight": -100, "batch": 1}]}</pre>
 *
 * Objectives are always written in the structured form, which can be submitted again as it is;
 * stores keep jobs in it. Each term's own fields are its kind's ({@link TermKinds}); errors are
 * {@link SpecFormatException}s naming the field from the request's root.
 */
final class ObjectiveFormat {
  static final String REQUIRED =
      "is required, e.g. \"mixed4:97\" (layer:channel) or {\"terms\": [...]}";
  private static final Set<String> COMMON = Set.of("kind", "weight", "batch");

  private ObjectiveFormat() {}

  public static final class Reader extends StdDeserializer<Objective> {
    public Reader() {
      super(Objective.class);
    }

    @Override
    public Objective deserialize(JsonParser p, DeserializationContext c) throws IOException {
      String path = SpecPaths.of(p);
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        try {
          return Objectives.parse(p.getText());
        } catch (IllegalArgumentException e) {
          throw new SpecFormatException(path, e.getMessage());
        }
      }
      TokenBuffer terms = p.currentToken() == JsonToken.START_OBJECT ? onlyTerms(p) : null;
      if (terms == null) {
        throw new SpecFormatException(
            path, "must be a string \"layer:channel\" or an object {\"terms\": [...]}");
      }
      return Objective.of(terms(terms.asParserOnFirstToken(), path));
    }
  }

  /**
   * The value of the object's one field {@code terms}, or null when it has no such field or others.
   */
  private static TokenBuffer onlyTerms(JsonParser p) throws IOException {
    TokenBuffer terms = null;
    boolean others = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isTerms = p.currentName().equals("terms");
      p.nextToken();
      if (isTerms) {
        terms = TokenBuffer.asCopyOfValue(p);
      } else {
        others = true;
        p.skipChildren();
      }
    }
    return others ? null : terms;
  }

  private static List<Objective.Weighted> terms(JsonParser p, String path) throws IOException {
    List<TokenBuffer> elements = new ArrayList<>();
    if (p.currentToken() == JsonToken.START_ARRAY) {
      while (p.nextToken() != JsonToken.END_ARRAY) {
        elements.add(TokenBuffer.asCopyOfValue(p));
      }
    }
    if (elements.isEmpty()) {
      throw new SpecFormatException(path + ".terms", "must be a non-empty array of terms");
    }
    if (elements.size() > FormatLimits.MAX_TERMS) {
      throw new SpecFormatException(
          path + ".terms",
          "must have at most " + FormatLimits.MAX_TERMS + " terms, has " + elements.size());
    }
    List<Objective.Weighted> terms = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      terms.add(term(elements.get(i).asParserOnFirstToken(), path + ".terms[" + i + "]"));
    }
    return terms;
  }

  private static Objective.Weighted term(JsonParser p, String path) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new SpecFormatException(path, "must be an object with a \"kind\"");
    }
    TermFields fields = TermFields.read(p, path);
    String name = fields.text("kind").toLowerCase(Locale.ROOT);
    TermKind kind =
        TermKinds.named(name)
            .orElseThrow(
                () ->
                    new SpecFormatException(path + ".kind", "must be one of " + TermKinds.names()));
    for (String f : fields.names()) {
      if (!COMMON.contains(f) && !kind.fields().contains(f)) {
        throw new SpecFormatException(
            path + "." + f,
            "is not a field of a "
                + name
                + " term; its fields: "
                + new TreeSet<>(kind.fields())
                + " and weight, batch");
      }
    }
    double weight = fields.number("weight", 1);
    Integer batch = fields.wholeOrNull("batch");
    try {
      return new Objective.Weighted(weight, batch, kind.reader().read(fields));
    } catch (IllegalArgumentException e) {
      throw new SpecFormatException(path, e.getMessage());
    }
  }

  public static final class Writer extends StdSerializer<Objective> {
    public Writer() {
      super(Objective.class);
    }

    @Override
    public void serialize(Objective objective, JsonGenerator g, SerializerProvider provider)
        throws IOException {
      g.writeStartObject();
      g.writeArrayFieldStart("terms");
      for (Objective.Weighted w : objective.terms()) {
        Term term = w.term();
        g.writeStartObject();
        g.writeStringField("kind", term.kind().name());
        term.writeFields(g);
        g.writeNumberField("weight", w.weight());
        if (w.batch() != null) {
          g.writeNumberField("batch", w.batch());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
