package org.lucerna.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a model saved in another format into a SavedModel that the repository loads like any other.
 * The repository asks its importers about each version folder that holds no {@code saved_model.pb};
 * the one that finds its source there imports it in place when the version is first loaded.
 *
 * <p>Importers live beside their format (as {@code model.tfjs} does) and are handed to the {@link
 * ModelRepository}: CDI beans in the service, plain objects in tests. This package never names one,
 * so a format depends on the repository and not the other way round.
 */
public interface ModelImporter {

  /**
   * What the importer reads, as a message completes "a version folder with ...": {@code TF.js
   * model.json}.
   */
  String reads();

  /**
   * The folder or file in {@code versionDir} (or {@code versionDir} itself) that this importer
   * would import. At most one importer should find a source in a folder: the repository takes the
   * first.
   */
  Optional<Path> find(Path versionDir);

  /**
   * Writes a SavedModel with its {@code lucerna-model.json} into {@code versionDir} from {@code
   * source}, a folder or a file (the one {@link #find} returned, or one a tool names). {@code
   * saved_model.pb} comes last, so that a half-written import is never a version.
   *
   * @throws RuntimeException saying why when the source cannot be imported (the registry remembers
   *     it as the version's failure)
   */
  void importInto(Path source, Path versionDir);
}
