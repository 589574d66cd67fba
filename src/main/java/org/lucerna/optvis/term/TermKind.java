package org.lucerna.optvis.term;

import java.util.List;

/**
 * A kind of term as JSON names it: {@code {"kind": name, <fields>..., "weight": w, "batch": b}}.
 *
 * @param fields the term's own fields, in the order they are written
 * @param reader builds the term from its fields; throws IllegalArgumentException for values it
 *     refuses
 */
public record TermKind(String name, List<String> fields, Reader reader) {
  public TermKind {
    fields = List.copyOf(fields);
  }

  @FunctionalInterface
  public interface Reader {
    Term read(TermFields fields);
  }
}
