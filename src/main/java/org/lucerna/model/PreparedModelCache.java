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
 * is complete.
 */
public final class PreparedModelCache {
  private static final Logger LOG = Logger.getLogger(PreparedModelCache.class);

  /** Raised whenever preparation changes what it produces, so that old entries are not reused. */
  // 2: input channels settled; 3: batch normalization folded into convolutions
  private static final int FORMAT = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /** What is kept beside the graph. */
  record Entry(int format, String inputNode, long[] inputShape, List<String> knownNames) {}

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
      ForbiddenOps.check(id, graph); // the folder is writable by more than this service, perhaps
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
              List.copyOf(model.layers().knownNames()));
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
