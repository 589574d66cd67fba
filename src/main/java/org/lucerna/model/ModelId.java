package org.lucerna.model;

/** A model of the repository at one version. */
public record ModelId(String name, long version) {
  @Override
  public String toString() {
    return name + "@" + version;
  }
}
