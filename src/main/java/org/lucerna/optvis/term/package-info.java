/**
 * The kinds of objective term, one type each: its JSON name and fields, its checks against the
 * model, its description and the graph it builds. A new kind is a new type here plus its line in
 * {@link org.lucerna.optvis.term.TermKinds}.
 */
package org.lucerna.optvis.term;
