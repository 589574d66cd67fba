package org.lucerna.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A folder of models in TensorFlow Serving's layout, {@code
 * <root>/<name>/<version>/saved_model.pb}; a bare SavedModel folder {@code
 * <root>/<name>/saved_model.pb} counts as version 1. A version folder holding another format that
 * one of the repository's {@link ModelImporter}s reads (a TF.js {@code model.json}, say) is a
 * version too, imported before loading. Names are checked before any path is built, so no request
 * reaches outside the root.
 */
public final class ModelRepository {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String SAVED_MODEL = SavedModelLoader.SAVED_MODEL;

  private final Path root;
  private final List<ModelImporter> importers;

  /** A repository of SavedModels only. */
  public ModelRepository(Path root) {
    this(root, List.of());
  }

  public ModelRepository(Path root, List<ModelImporter> importers) {
    this.root = root.toAbsolutePath().normalize();
    this.importers = List.copyOf(importers);
  }

  public Path root() {
    return root;
  }

  /**
   * A model's folder and the version that a request for {@code version} (empty: the highest) gets;
   * {@code pendingImport} is present while the folder holds another format and no SavedModel yet.
   */
  public record Location(ModelId id, Path dir, Optional<Import> pendingImport) {}

  /** The source an importer found in a version folder. */
  public record Import(ModelImporter importer, Path source) {
    /** Writes the SavedModel into {@code versionDir}. */
    public void run(Path versionDir) {
      importer.importInto(source, versionDir);
    }
  }

  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches() && !name.contains("..");
  }

  public Location resolve(String name, OptionalLong version) {
    Path modelDir = modelDir(name);
    if (Files.isRegularFile(modelDir.resolve(SAVED_MODEL))) {
      if (version.isPresent() && version.getAsLong() != 1) {
        throw new ModelException.NotFound("model '" + name + "' has only version 1");
      }
      return new Location(new ModelId(name, 1), modelDir, Optional.empty());
    }
    List<Long> versions = versionsOf(modelDir);
    if (versions.isEmpty()) {
      throw new ModelException.NotFound(
          "model '" + name + "' has no version folder with a " + SAVED_MODEL + otherFormats());
    }
    long v = version.orElse(versions.get(versions.size() - 1));
    if (!versions.contains(v)) {
      throw new ModelException.NotFound(
          "model '" + name + "' has no version " + v + "; versions: " + versions);
    }
    Path dir = modelDir.resolve(Long.toString(v));
    return new Location(new ModelId(name, v), dir, pendingImport(dir));
  }

  /** What an importer would import from a version folder without a SavedModel. */
  Optional<Import> pendingImport(Path versionDir) {
    if (Files.isRegularFile(versionDir.resolve(SAVED_MODEL))) {
      return Optional.empty();
    }
    for (ModelImporter importer : importers) {
      Optional<Path> source = importer.find(versionDir);
      if (source.isPresent()) {
        return Optional.of(new Import(importer, source.get()));
      }
    }
    return Optional.empty();
  }

  /** The other formats the importers read, as " (or a TF.js model.json, ...)". */
  String otherFormats() {
    return importers.isEmpty()
        ? ""
        : importers.stream()
            .map(ModelImporter::reads)
            .collect(Collectors.joining(", or a ", " (or a ", ")"));
  }

  /** The versions of a model, ascending (a bare SavedModel folder: [1]). */
  public List<Long> versions(String name) {
    Path modelDir = modelDir(name);
    return Files.isRegularFile(modelDir.resolve(SAVED_MODEL)) ? List.of(1L) : versionsOf(modelDir);
  }

  /** Whether {@code id}'s folder is still there: a removed version is forgotten by the registry. */
  public boolean exists(ModelId id) {
    try {
      resolve(id.name(), OptionalLong.of(id.version()));
      return true;
    } catch (ModelException e) {
      return false;
    }
  }

  private Path modelDir(String name) {
    if (!validName(name)) {
      throw new ModelException.InvalidName(
          "'"
              + name
              + "' is not a model name: use letters, digits, '.',"
              + " '_' and '-', starting with a letter or digit, at most 64 characters");
    }
    Path modelDir = root.resolve(name).normalize();
    if (!modelDir.startsWith(root) || !modelDir.getParent().equals(root)) {
      throw new ModelException.InvalidName("'" + name + "' would leave the model repository");
    }
    if (!Files.isDirectory(modelDir)) {
      throw new ModelException.NotFound(
          "no model '" + name + "' in the repository; models: " + names());
    }
    return modelDir;
  }

  /** The names of the models in the repository, sorted. */
  public List<String> names() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(ModelRepository::validName)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The versions of a model folder that hold a SavedModel or a model an importer reads, ascending.
   */
  private List<Long> versionsOf(Path modelDir) {
    try (Stream<Path> dirs = Files.list(modelDir)) {
      return dirs.filter(p -> p.getFileName().toString().matches("\\d{1,18}"))
          .filter(p -> Files.isRegularFile(p.resolve(SAVED_MODEL)) || pendingImport(p).isPresent())
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
