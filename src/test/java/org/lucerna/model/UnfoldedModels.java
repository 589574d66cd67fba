package org.lucerna.model;

import java.nio.file.Path;

/** Models prepared without folding their batch normalizations: what benchmarks compare against. */
public final class UnfoldedModels {
  private UnfoldedModels() {}

  /** The model in {@code root/name/version}, prepared as before batch-norm folding existed. */
  public static PreparedModel load(Path root, String name, long version) {
    return SavedModelLoader.load(
        root.resolve(name).resolve(String.valueOf(version)),
        new ModelId(name, version),
        LoadOptions.DEFAULT,
        ModelMetadata.DEFAULT,
        false);
  }
}
