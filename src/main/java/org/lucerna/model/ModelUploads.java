package org.lucerna.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Models added and removed through the service. An upload is written, unpacked, imported and
 * prepared in a folder of its own under {@code <root>/.uploads} (a name the repository never
 * lists), and only a model that prepared there (its ops on the allow-list before TensorFlow loaded
 * it, its variables frozen, its layers listed, its input one the optimizer renders) is moved into
 * the repository, by one rename on the same file system: a version is either absent or complete,
 * never half there. A removed version is renamed out of the repository the same way before its
 * files are deleted.
 */
public final class ModelUploads {
  private static final Logger LOG = Logger.getLogger(ModelUploads.class);

  /** The folder of uploads in progress, inside the repository's root. */
  public static final String STAGING = ".uploads";

  /** The highest version: the repository reads version folders of up to 18 digits. */
  public static final long MAX_VERSION = 999_999_999_999_999_999L;

  private final ModelRegistry registry;
  private final ModelRepository repository;
  private final ModelArchive.Bounds bounds;
  // The checks "is the version free" and the renames that follow them, in this process.
  private final Object lock = new Object();

  public ModelUploads(ModelRegistry registry, ModelArchive.Bounds bounds) {
    this.registry = registry;
    this.repository = registry.repository();
    this.bounds = bounds;
  }

  /** A version that was installed: what it came as and what it prepared to. */
  public record Installed(
      ModelId id, ModelArchive.Unpacked unpacked, String format, PreparedModel model) {}

  /** One upload's private folder; closing it removes whatever is left in it. */
  public static final class Staging implements AutoCloseable {
    private final Path area;

    private Staging(Path area) {
      this.area = area;
    }

    /** Where the request's body is written. */
    public Path body() {
      return area.resolve("body");
    }

    @Override
    public void close() {
      deleteTree(area);
    }
  }

  /** A new private folder for one upload. */
  public Staging stage() {
    try {
      Path staging = Files.createDirectories(repository.root().resolve(STAGING));
      return new Staging(Files.createDirectory(staging.resolve(UUID.randomUUID().toString())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder for the upload", e);
    }
  }

  /**
   * Refuses a version that is there already (checked before the body is read, and again when it is
   * moved in).
   *
   * @throws ModelException.InvalidName for a name or version no model may have
   * @throws ModelUploadException {@code EXISTS}
   */
  public void checkFree(String name, long version) {
    checkName(name, version);
    Path modelDir = repository.root().resolve(name);
    if (Files.isRegularFile(modelDir.resolve(SavedModelLoader.SAVED_MODEL))) {
      throw new ModelUploadException(
          ModelUploadException.Reason.EXISTS,
          "model '"
              + name
              + "' is a bare SavedModel folder (its only version is 1); delete it"
              + " (DELETE /models/"
              + name
              + "/versions/1) before adding versions");
    }
    if (Files.exists(modelDir.resolve(Long.toString(version)))) {
      throw new ModelUploadException(
          ModelUploadException.Reason.EXISTS,
          "model '"
              + name
              + "' has a version "
              + version
              + " already; delete it first (DELETE /models/"
              + name
              + "/versions/"
              + version
              + ") or upload another version");
    }
  }

  /**
   * Unpacks the body written to {@code staging}, prepares the model it holds, and moves it into the
   * repository as {@code name} at {@code version}.
   *
   * @throws ModelUploadException for a body or archive that is refused, or a version that exists
   * @throws ModelException for a model that cannot be used (forbidden ops, no signature, ...)
   */
  public Installed install(Staging staging, String name, long version) {
    checkName(name, version);
    ModelId id = new ModelId(name, version);
    try {
      Path unpacked = Files.createDirectory(staging.area.resolve("unpacked"));
      ModelArchive.Unpacked what = ModelArchive.unpack(staging.body(), unpacked, name, bounds);
      Files.delete(staging.body());
      Path modelDir = Files.createDirectories(staging.area.resolve("model").resolve(name));
      Path versionDir = modelDir.resolve(Long.toString(version));
      Files.move(ModelArchive.modelRoot(unpacked), versionDir);
      Optional<ModelRepository.Import> imported =
          Files.isRegularFile(versionDir.resolve(SavedModelLoader.SAVED_MODEL))
              ? Optional.empty()
              : repository.pendingImport(versionDir);
      String format = imported.map(i -> i.importer().reads()).orElse("SavedModel");
      PreparedModel model = prepare(versionDir, id, imported);
      synchronized (lock) {
        checkFree(name, version);
        // A version of the same name and number removed by hand may still be held in memory.
        registry.rescan();
        Path target = repository.root().resolve(name);
        if (Files.exists(target)) {
          Files.move(
              versionDir, target.resolve(versionDir.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        } else {
          Files.move(modelDir, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      LOG.infof(
          "%s uploaded (%s, %d files, %d bytes unpacked)",
          id, what.kind().label(), what.files(), what.bytes());
      return new Installed(id, what, format, model);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the upload of " + id, e);
    }
  }

  /**
   * The model of a version folder, imported first when {@code imported} says so, prepared as the
   * registry would.
   */
  private PreparedModel prepare(
      Path versionDir, ModelId id, Optional<ModelRepository.Import> imported) {
    try {
      if (!Files.isRegularFile(versionDir.resolve(SavedModelLoader.SAVED_MODEL))) {
        if (imported.isEmpty()) {
          throw new ModelUploadException(
              ModelUploadException.Reason.NO_MODEL,
              "the upload holds no "
                  + SavedModelLoader.SAVED_MODEL
                  + repository.otherFormats()
                  + " at its top level or in the one folder it holds; "
                  + ModelArchive.ACCEPTED);
        }
        imported.get().run(versionDir);
      }
      ModelFile file = ModelFile.read(versionDir);
      PreparedModel model =
          SavedModelLoader.load(versionDir, id, file.loadOptions(), file.metadata());
      model
          .unrenderable()
          .ifPresent(
              why -> {
                throw new ModelException.Unusable(why);
              });
      return model;
    } catch (ModelException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelException.Unusable("cannot use " + id + ": " + ErrorText.reason(e), e);
    }
  }

  /**
   * Removes a version: renamed out of the repository at once, then deleted, and forgotten by the
   * registry (memory and prepared-model cache). A bare SavedModel folder is removed whole; so is a
   * model folder left with nothing in it.
   *
   * @throws ModelException.NotFound when there is no such version
   */
  public void delete(String name, long version) {
    checkName(name, version);
    Path trash;
    synchronized (lock) {
      ModelRepository.Location location = repository.resolve(name, OptionalLong.of(version));
      Path modelDir = repository.root().resolve(name);
      try {
        Path staging = Files.createDirectories(repository.root().resolve(STAGING));
        trash = staging.resolve("deleted-" + UUID.randomUUID());
        Files.move(location.dir(), trash, StandardCopyOption.ATOMIC_MOVE);
        if (!location.dir().equals(modelDir)) {
          try (Stream<Path> left = Files.list(modelDir)) {
            if (left.findAny().isEmpty()) {
              Files.delete(modelDir);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + location.id(), e);
      }
    }
    registry.rescan();
    deleteTree(trash);
    LOG.infof("%s@%d deleted", name, version);
  }

  /**
   * Removes what uploads that never finished (the process died) left in the staging folder, older
   * than {@code age} so that an upload of another instance sharing the folder is left alone.
   */
  public void removeStale(Duration age) {
    Path staging = repository.root().resolve(STAGING);
    if (!Files.isDirectory(staging)) {
      return;
    }
    Instant before = Instant.now().minus(age);
    try (Stream<Path> areas = Files.list(staging)) {
      for (Path area : areas.toList()) {
        FileTime modified = Files.getLastModifiedTime(area);
        if (modified.toInstant().isBefore(before)) {
          deleteTree(area);
          LOG.infof("removed %s, left by an upload that did not finish", area.getFileName());
        }
      }
    } catch (IOException e) {
      LOG.warnf("cannot clean %s: %s", staging, e.toString());
    }
  }

  private static void checkName(String name, long version) {
    if (!ModelRepository.validName(name)) {
      throw new ModelException.InvalidName(
          "'"
              + name
              + "' is not a model name: use letters, digits, '.',"
              + " '_' and '-', starting with a letter or digit, at most 64 characters");
    }
    if (version < 1 || version > MAX_VERSION) {
      throw new ModelException.InvalidName(
          "a version is a whole number from 1 to " + MAX_VERSION + ", got " + version);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
      for (Path f : all) {
        try {
          Files.delete(f);
        } catch (NoSuchFileException e) {
          // removed meanwhile
        }
      }
    } catch (IOException e) {
      LOG.warnf("cannot remove %s: %s", dir, e.toString());
    }
  }
}
