package org.lucerna.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An uploaded model file: told apart by its first bytes (a zip, a gzip'd tar, an HDF5 file; a zip
 * whose top level is a Keras 3 {@code config.json} and {@code model.weights.h5} is a {@code .keras}
 * file, kept whole), and unpacked into a folder that nothing else sees yet.
 *
 * <p>An archive is a list of names someone else chose, so every name is checked before it becomes a
 * path: an absolute name, a drive letter, a backslash, a {@code ..} segment, an empty segment, a
 * link (symbolic or hard) or a device is refused, and for a zip all of them are checked before the
 * first byte is written. The bounds count what is really written, not what the archive's headers
 * claim: the entries, and the unpacked bytes (a zip bomb stops at the bound). Files are created
 * with {@code CREATE_NEW}, so an entry that comes twice cannot overwrite the first.
 */
public final class ModelArchive {
  /** What the body is. */
  public enum Kind {
    ZIP("zip"),
    TAR_GZ("tar.gz"),
    KERAS("keras"),
    HDF5("h5");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The bounds an archive must keep, and the names of their settings for the messages. */
  public record Bounds(int maxFiles, long maxUnpackedBytes) {
    public static final String MAX_FILES = "lucerna.models.max-upload-files";
    public static final String MAX_UNPACKED = "lucerna.models.max-unpacked-bytes";
  }

  /** What was written: the kind, the files and their bytes. */
  public record Unpacked(Kind kind, int files, long bytes) {}

  /** What the service reads, for the message of a body it does not. */
  public static final String ACCEPTED =
      "send a zip or a tar.gz of a SavedModel folder or of a TF.js model folder, or a single Keras"
          + " .keras or .h5 file";

  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** Files that archivers of macOS add, and that no model needs. */
  private static final Set<String> IGNORED = Set.of("__MACOSX", ".DS_Store");

  private ModelArchive() {}

  /**
   * The kind of the file by its first bytes.
   *
   * @throws ModelUploadException {@code UNKNOWN_FORMAT} for anything else
   */
  public static Kind kindOf(Path body) throws IOException {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(body)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
      return isKeras(body) ? Kind.KERAS : Kind.ZIP;
    }
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return Kind.TAR_GZ;
    }
    if (n == 8 && java.util.Arrays.equals(head, HDF5_SIGNATURE)) {
      return Kind.HDF5;
    }
    throw new ModelUploadException(
        ModelUploadException.Reason.UNKNOWN_FORMAT,
        "the body is not a zip, a tar.gz or an HDF5 file (it starts with "
            + java.util.HexFormat.of().formatHex(head, 0, n)
            + "); "
            + ACCEPTED);
  }

  /**
   * Writes the model that {@code body} holds into {@code dir} (an empty folder): an archive's
   * files, or the single Keras file as {@code <name>.keras} or {@code <name>.h5}.
   */
  public static Unpacked unpack(Path body, Path dir, String name, Bounds bounds)
      throws IOException {
    Kind kind = kindOf(body);
    return switch (kind) {
      case KERAS, HDF5 -> {
        Path file = dir.resolve(name + "." + (kind == Kind.KERAS ? "keras" : "h5"));
        Files.copy(body, file);
        yield new Unpacked(kind, 1, Files.size(file));
      }
      case ZIP -> unzip(body, dir, bounds);
      case TAR_GZ -> untar(body, dir, bounds);
    };
  }

  /**
   * The folder of {@code dir} that holds the model: {@code dir} itself, or the one folder it holds
   * alone (an archive made of a folder, {@code zip -r m.zip m/}), as deep as that goes.
   */
  public static Path modelRoot(Path dir) throws IOException {
    Path root = dir;
    while (true) {
      List<Path> children;
      try (var list = Files.list(root)) {
        children = list.toList();
      }
      if (children.size() != 1 || !Files.isDirectory(children.get(0))) {
        return root;
      }
      root = children.get(0);
    }
  }

  private static boolean isKeras(Path body) throws IOException {
    try (ZipFile zip = open(body)) {
      return zip.getEntry("config.json") != null && zip.getEntry("model.weights.h5") != null;
    }
  }

  private static ZipFile open(Path body) throws IOException {
    try {
      return ZipFile.builder().setPath(body).get();
    } catch (IOException e) {
      throw new ModelUploadException(
          ModelUploadException.Reason.UNSAFE_ARCHIVE,
          "the body starts as a zip but cannot be read as one: " + e.getMessage());
    }
  }

  private static Unpacked unzip(Path body, Path dir, Bounds bounds) throws IOException {
    try (ZipFile zip = open(body)) {
      List<ZipArchiveEntry> entries = Collections.list(zip.getEntries());
      checkCount(entries.size(), bounds);
      // Every name first: a refused archive writes nothing at all.
      List<Path> targets = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (ZipArchiveEntry e : entries) {
        if (e.isUnixSymlink()) {
          throw unsafe(e.getName(), "is a symbolic link");
        }
        if (!zip.canReadEntryData(e)) {
          throw unsafe(e.getName(), "is encrypted or compressed in a way that cannot be read");
        }
        Path target = target(dir, e.getName());
        if (target != null && !e.isDirectory() && !seen.add(target.toString())) {
          throw unsafe(e.getName(), "comes twice");
        }
        targets.add(target);
      }
      Budget budget = new Budget(bounds);
      for (int i = 0; i < entries.size(); i++) {
        ZipArchiveEntry e = entries.get(i);
        Path target = targets.get(i);
        if (target == null) {
          continue;
        }
        if (e.isDirectory()) {
          directories(dir, target, e.getName());
          continue;
        }
        try (InputStream in = zip.getInputStream(e)) {
          write(dir, target, e.getName(), in, budget);
        }
      }
      return new Unpacked(Kind.ZIP, budget.files, budget.bytes);
    }
  }

  private static Unpacked untar(Path body, Path dir, Bounds bounds) throws IOException {
    Budget budget = new Budget(bounds);
    int entries = 0;
    try (InputStream file = Files.newInputStream(body);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      TarArchiveEntry e;
      while ((e = nextTarEntry(tar)) != null) {
        checkCount(++entries, bounds);
        if (e.isSymbolicLink() || e.isLink()) {
          throw unsafe(e.getName(), "is a link (to '" + e.getLinkName() + "')");
        }
        if (!e.isDirectory() && !e.isFile()) {
          throw unsafe(e.getName(), "is neither a file nor a folder");
        }
        Path target = target(dir, e.getName());
        if (target == null) {
          continue;
        }
        if (e.isDirectory()) {
          directories(dir, target, e.getName());
        } else {
          write(dir, target, e.getName(), tar, budget);
        }
      }
    }
    return new Unpacked(Kind.TAR_GZ, budget.files, budget.bytes);
  }

  private static TarArchiveEntry nextTarEntry(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelUploadException(
          ModelUploadException.Reason.UNSAFE_ARCHIVE,
          "the body starts as gzip but is not a readable tar.gz: " + e.getMessage());
    }
  }

  private static void checkCount(int entries, Bounds bounds) {
    if (entries > bounds.maxFiles()) {
      throw new ModelUploadException(
          ModelUploadException.Reason.TOO_LARGE,
          "the archive holds more than "
              + bounds.maxFiles()
              + " entries ("
              + Bounds.MAX_FILES
              + ")");
    }
  }

  /**
   * The path an entry names inside {@code dir}, or null for one to skip (macOS' extras, the
   * archive's own {@code ./}).
   *
   * @throws ModelUploadException naming the entry when its name could reach outside {@code dir}
   */
  static Path target(Path dir, String name) {
    if (name.isEmpty()) {
      throw unsafe(name, "has an empty name");
    }
    if (name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      throw unsafe(name, "holds a NUL or a backslash");
    }
    if (name.startsWith("/")) {
      throw unsafe(name, "is an absolute path");
    }
    if (name.length() >= 2 && name.charAt(1) == ':') {
      throw unsafe(name, "starts with a drive letter");
    }
    String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    List<String> kept = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        throw unsafe(name, "climbs out of the folder with '..'");
      }
      if (segment.isEmpty() && !path.isEmpty()) {
        throw unsafe(name, "has an empty path segment");
      }
      if (IGNORED.contains(segment)) {
        return null;
      }
      if (!segment.equals(".") && !segment.isEmpty()) {
        kept.add(segment);
      }
    }
    if (kept.isEmpty()) {
      return null;
    }
    Path target = dir.resolve(String.join("/", kept)).normalize();
    // Already implied by the checks above; kept so that no later change of them can open a way out.
    if (!target.startsWith(dir) || target.equals(dir)) {
      throw unsafe(name, "would be written outside the folder");
    }
    return target;
  }

  private static void directories(Path dir, Path target, String name) throws IOException {
    try {
      Files.createDirectories(target);
    } catch (FileAlreadyExistsException e) {
      throw unsafe(name, "is a folder where the archive has a file");
    }
    if (!target.toRealPath().startsWith(dir.toRealPath())) {
      throw unsafe(name, "would be written outside the folder");
    }
  }

  private static void write(Path dir, Path target, String name, InputStream in, Budget budget)
      throws IOException {
    budget.file();
    directories(dir, target.getParent(), name);
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out =
        Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        budget.bytes(n);
        out.write(buffer, 0, n);
      }
    } catch (FileAlreadyExistsException e) {
      throw unsafe(name, "comes twice, or is a file where the archive has a folder");
    }
  }

  private static ModelUploadException unsafe(String name, String why) {
    return new ModelUploadException(
        ModelUploadException.Reason.UNSAFE_ARCHIVE,
        "the archive's entry '" + name + "' " + why + "; nothing of the upload was kept");
  }

  /** What has been written so far, against the bounds. */
  private static final class Budget {
    private final Bounds bounds;
    private int files;
    private long bytes;

    Budget(Bounds bounds) {
      this.bounds = bounds;
    }

    void file() {
      files++;
      checkCount(files, bounds);
    }

    void bytes(int n) {
      bytes += n;
      if (bytes > bounds.maxUnpackedBytes()) {
        throw new ModelUploadException(
            ModelUploadException.Reason.TOO_LARGE,
            "the archive unpacks to more than "
                + bounds.maxUnpackedBytes()
                + " bytes ("
                + Bounds.MAX_UNPACKED
                + ")");
      }
    }
  }
}
