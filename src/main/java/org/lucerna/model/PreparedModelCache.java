package org.lucerna.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.tensorflow.proto.GraphDef;

/**
 * Prepared models on disk, so that a restart does not inline and freeze again. An entry is keyed by
 * a SHA-256 of the SavedModel's files (names and contents) and the load options, and holds the
 * frozen GraphDef ({@code <key>.pb}) and what the catalog is rebuilt from ({@code <key>.json}).
 * Both are written to temporary files and moved into place, the JSON last: an entry with its JSON
 * is complete. The JSON also names the model versions the entry was made or used for, so that
 * {@link #removeGone} can drop the entries of versions that left the repository.
 */
public final class PreparedModelCache {
  private static final Logger LOG = Logger.getLogger(PreparedModelCache.class);

  /** Raised whenever preparation changes what it produces, so that old entries are not reused. */
  // 2: input channels settled; 3: batch normalization folded into convolutions (wt/12) or checked
  // against ModelOps' allow-list (main); 4: both, so that entries written by either are rebuilt
  private static final int FORMAT = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /**
   * What is kept beside the graph.
   *
   * @param models the versions ({@code name@version}) that used this entry; null in entries written
   *     before versions were recorded
   */
  record Entry(
      int format,
      String inputNode,
      long[] inputShape,
      List<String> knownNames,
      List<String> models) {
    Entry withModel(ModelId id) {
      List<String> more = new java.util.ArrayList<>(models == null ? List.of() : models);
      more.add(id.toString());
      return new Entry(format, inputNode, inputShape, knownNames, List.copyOf(more));
    }
  }

  public PreparedModelCache(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  public Path dir() {
    return dir;
  }

  /**
   * The key of a SavedModel folder read with {@code options}. The metadata file is left out: it is
   * read at every load, and editing a display name need not prepare the model again.
   */
  public static String key(Path modelDir, LoadOptions options) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(
          ("lucerna-prepared-" + FORMAT + "\n" + options + "\n").getBytes(StandardCharsets.UTF_8));
      List<Path> files;
      try (Stream<Path> walk = Files.walk(modelDir)) {
        files =
            walk.filter(Files::isRegularFile)
                .filter(p -> !p.getFileName().toString().equals(ModelFile.NAME))
                .sorted()
                .toList();
      }
      byte[] buffer = new byte[1 << 16];
      for (Path f : files) {
        sha.update(
            (modelDir.relativize(f).toString().replace('\\', '/') + "\n" + Files.size(f) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), sha)) {
          while (in.read(buffer) >= 0) {
            // the digest stream hashes what it reads
          }
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new ModelException.Unusable(
          "cannot read the files of " + modelDir + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** The prepared model stored under {@code key}, if any, as {@code id} with {@code metadata}. */
  public Optional<PreparedModel> find(String key, ModelId id, ModelMetadata metadata) {
    Path json = dir.resolve(key + ".json");
    Path pb = dir.resolve(key + ".pb");
    if (!Files.isRegularFile(json) || !Files.isRegularFile(pb)) {
      return Optional.empty();
    }
    try {
      Entry entry = JSON.readValue(json.toFile(), Entry.class);
      if (entry.format() != FORMAT) {
        return Optional.empty();
      }
      GraphDef graph;
      try (InputStream in = Files.newInputStream(pb)) {
        graph = GraphDef.parseFrom(in);
      }
      ModelOps.checkPrepared(
          id, graph); // the folder is writable by more than this service, perhaps
      if (entry.models() == null || !entry.models().contains(id.toString())) {
        // Same files under another version (a copy): the entry now serves it too.
        try {
          writeJson(key, entry.withModel(id));
        } catch (IOException e) {
          LOG.warnf("cannot record %s in the prepared-model cache entry %s: %s", id, key, e);
        }
      }
      InputSpec input = new InputSpec(entry.inputNode(), entry.inputShape());
      LayerCatalog layers =
          LayerCatalog.of(id.name(), graph, entry.inputNode(), Set.copyOf(entry.knownNames()));
      return Optional.of(new PreparedModel(id, graph, input, layers, metadata));
    } catch (IOException | RuntimeException e) {
      // A damaged entry costs one preparation, not a failed model.
      LOG.warnf("ignoring the prepared-model cache entry %s: %s", key, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Removes the entries none of whose model versions {@code exists} any more, and those that do not
   * say which versions they serve (written before this was recorded: one preparation each, once).
   * Returns how many were removed. A failure to read or remove only leaves an entry in place.
   */
  public int removeGone(java.util.function.Predicate<ModelId> exists) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    List<Path> jsons;
    try (Stream<Path> files = Files.list(dir)) {
      jsons = files.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
    } catch (IOException e) {
      LOG.warnf("cannot list the prepared-model cache %s: %s", dir, e.toString());
      return 0;
    }
    for (Path json : jsons) {
      String name = json.getFileName().toString();
      String key = name.substring(0, name.length() - ".json".length());
      try {
        Entry entry = JSON.readValue(json.toFile(), Entry.class);
        if (entry.models() != null && entry.models().stream().anyMatch(m -> exists.test(id(m)))) {
          continue;
        }
        // The JSON first: without it the entry is incomplete, and never read half-removed.
        Files.deleteIfExists(json);
        Files.deleteIfExists(dir.resolve(key + ".pb"));
        removed++;
        LOG.infof(
            "removed the prepared model %s: %s left the repository",
            key, entry.models() == null ? "its version" : entry.models());
      } catch (IOException | RuntimeException e) {
        LOG.warnf("cannot check the prepared-model cache entry %s: %s", key, e.toString());
      }
    }
    return removed;
  }

  private static ModelId id(String text) {
    int at = text.lastIndexOf('@');
    return new ModelId(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
  }

  private void writeJson(String key, Entry entry) throws IOException {
    Path tmp = Files.createTempFile(dir, key, ".json.tmp");
    try {
      JSON.writeValue(tmp.toFile(), entry);
      Files.move(
          tmp,
          dir.resolve(key + ".json"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Stores {@code model} under {@code key}; a failure to write only costs the next start its time.
   */
  public void put(String key, PreparedModel model) {
    try {
      Files.createDirectories(dir);
      Entry entry =
          new Entry(
              FORMAT,
              model.input().node(),
              model.input().shape(),
              List.copyOf(model.layers().knownNames()),
              List.of(model.id().toString()));
      Path pbTmp = Files.createTempFile(dir, key, ".pb.tmp");
      Path jsonTmp = Files.createTempFile(dir, key, ".json.tmp");
      try {
        Files.write(pbTmp, model.graph().toByteArray());
        JSON.writeValue(jsonTmp.toFile(), entry);
        Files.move(
            pbTmp,
            dir.resolve(key + ".pb"),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        Files.move(
            jsonTmp,
            dir.resolve(key + ".json"),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(pbTmp);
        Files.deleteIfExists(jsonTmp);
      }
    } catch (IOException e) {
      LOG.warnf("cannot store the prepared model %s in %s: %s", model.id(), dir, e.toString());
    }
  }
}
