package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The npm package {@code nsfwjs} (MIT), which bundles its Keras models as JavaScript modules so
 * that web bundlers can import them: {@code dist/models/<model>/model.min.js} exports the
 * model.json contents as an object literal, and each {@code <shard>.min.js} exports one weight
 * shard as a base64 string. This class turns them back into a standard {@code model.json} and
 * binary shards.
 */
public final class NsfwjsPackage {
  public static final String SPEC = "nsfwjs@4.4.0";
  static final String MODELS = "package/dist/models/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private NsfwjsPackage() {}

  /** Extracts the package's {@code dist/models/} from the npm tarball into {@code into}. */
  public static Path unpackModels(Path tarball, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (InputStream in = Files.newInputStream(tarball);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (!entry.isFile() || !entry.getName().startsWith(MODELS)) {
          continue;
        }
        Path target = root.resolve(entry.getName().substring(MODELS.length())).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("tarball entry '" + entry.getName() + "' points outside " + root);
        }
        Files.createDirectories(target.getParent());
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return root;
  }

  /**
   * Writes {@code model.json} and its shards into {@code out} from the JavaScript-wrapped files of
   * one model folder ({@code dist/models/<model>}).
   */
  public static void unwrap(Path wrappedDir, Path out) throws IOException {
    String js = Files.readString(wrappedDir.resolve("model.min.js"), StandardCharsets.UTF_8);
    JsonNode model = null;
    for (int at = js.indexOf(".exports={");
        at >= 0 && model == null;
        at = js.indexOf(".exports={", at + 1)) {
      JsonNode candidate = JSON.readTree(JsLiteral.toJson(js, at + ".exports=".length()));
      model = candidate.has("modelTopology") ? candidate : null;
    }
    if (model == null) {
      throw new MalformedModelException(
          wrappedDir.resolve("model.min.js")
              + " exports no object with a"
              + " modelTopology; is this nsfwjs "
              + SPEC.substring(SPEC.indexOf('@') + 1)
              + "?");
    }
    Files.createDirectories(out);
    for (JsonNode group : model.path("weightsManifest")) {
      for (JsonNode path : group.path("paths")) {
        Path shard = wrappedDir.resolve(path.asText() + ".min.js");
        Files.write(out.resolve(path.asText()), Base64.getDecoder().decode(exportedString(shard)));
      }
    }
    JSON.writeValue(out.resolve(LayersModel.FILE).toFile(), model);
  }

  /**
   * The string literal that a bundled module assigns to {@code exports}: the last one in the file.
   */
  private static String exportedString(Path file) throws IOException {
    String js = Files.readString(file, StandardCharsets.US_ASCII);
    int at = js.lastIndexOf("exports=\"");
    int end = at < 0 ? -1 : js.indexOf('"', at + 9);
    if (end < 0) {
      throw new MalformedModelException(
          file
              + " exports no base64 string; is this nsfwjs "
              + SPEC.substring(SPEC.indexOf('@') + 1)
              + "?");
    }
    return js.substring(at + 9, end);
  }
}
