package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives whose names try to leave the folder, links, bombs and too many entries are refused, and
 * nothing is written outside the folder (for a zip, nothing at all).
 */
class ModelArchiveTest {
  private static final ModelArchive.Bounds BOUNDS = new ModelArchive.Bounds(16, 1 << 20);

  @TempDir Path tmp;

  /** A zip of the entries, in order; a value of null makes a symbolic link to "/etc". */
  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
        byte[] content = e.getValue();
        if (content == null) {
          entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
          content = "/etc".getBytes(StandardCharsets.UTF_8);
        }
        zip.putArchiveEntry(entry);
        zip.write(content);
        zip.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private Path body(byte[] bytes) throws IOException {
    return Files.write(tmp.resolve("body-" + UUID.randomUUID()), bytes);
  }

  private Path folder() throws IOException {
    return Files.createDirectories(tmp.resolve("out-" + UUID.randomUUID()).resolve("model"));
  }

  private static List<Path> contents(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> !p.equals(dir)).toList();
    }
  }

  private ModelUploadException refused(byte[] archive, Path dir) throws IOException {
    Path body = body(archive);
    return assertThrows(
        ModelUploadException.class, () -> ModelArchive.unpack(body, dir, "m", BOUNDS));
  }

  @Test
  void entriesThatClimbOutOrAreAbsoluteOrLinksAreRefusedBeforeAnythingIsWritten()
      throws IOException {
    String outside = "lucerna-zip-slip-" + UUID.randomUUID();
    Path absolute = Path.of(System.getProperty("java.io.tmpdir"), outside);
    byte[] evil = "evil".getBytes(StandardCharsets.UTF_8);
    byte[] fine = "fine".getBytes(StandardCharsets.UTF_8);
    Map<String, String> cases =
        Map.of(
            "../" + outside,
            "'..'",
            "saved/../../" + outside,
            "'..'",
            absolute.toString(),
            "absolute",
            // Zip readers turn a DOS archive's backslashes into slashes: then it is a '..'.
            "..\\..\\" + outside,
            "backslash|'..'",
            "C:/" + outside,
            "drive letter",
            "a//" + outside,
            "empty path segment");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path dir = folder();
      // A harmless entry first: a zip's names are all checked before the first file is written.
      java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
      entries.put("saved_model.pb", fine);
      entries.put(c.getKey(), evil);
      ModelUploadException e = refused(zip(entries), dir);
      assertEquals(ModelUploadException.Reason.UNSAFE_ARCHIVE, e.reason(), c.getKey());
      assertTrue(
          Stream.of(c.getValue().split("\\|")).anyMatch(e.getMessage()::contains), e.getMessage());
      assertEquals(List.of(), contents(dir), c.getKey());
      assertFalse(Files.exists(dir.getParent().resolve(outside)));
      assertFalse(Files.exists(dir.getParent().getParent().resolve(outside)));
      assertFalse(Files.exists(absolute));
    }
  }

  @Test
  void aSymbolicLinkInAZipIsRefused() throws IOException {
    Path dir = folder();
    java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
    entries.put("variables", null);
    entries.put("variables/passwd", "x".getBytes(StandardCharsets.UTF_8));
    ModelUploadException e = refused(zip(entries), dir);
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals(List.of(), contents(dir));
  }

  @Test
  void linksAndClimbingNamesInATarGzAreRefusedAndNothingLandsOutside() throws IOException {
    String outside = "lucerna-tar-slip-" + UUID.randomUUID();
    for (String kind : List.of("symlink", "hardlink", "dotdot")) {
      Path dir = folder();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar =
          new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
        TarArchiveEntry entry =
            switch (kind) {
              case "symlink" -> {
                TarArchiveEntry l = new TarArchiveEntry("link", TarArchiveEntry.LF_SYMLINK);
                l.setLinkName("../../" + outside);
                yield l;
              }
              case "hardlink" -> {
                TarArchiveEntry l = new TarArchiveEntry("link", TarArchiveEntry.LF_LINK);
                l.setLinkName("/etc/passwd");
                yield l;
              }
              default -> {
                TarArchiveEntry f = new TarArchiveEntry("./../" + outside);
                f.setSize(4);
                yield f;
              }
            };
        tar.putArchiveEntry(entry);
        if (kind.equals("dotdot")) {
          tar.write("evil".getBytes(StandardCharsets.UTF_8));
        }
        tar.closeArchiveEntry();
      }
      ModelUploadException e = refused(bytes.toByteArray(), dir);
      assertEquals(ModelUploadException.Reason.UNSAFE_ARCHIVE, e.reason(), kind);
      assertEquals(List.of(), contents(dir), kind);
      assertFalse(Files.exists(dir.getParent().resolve(outside)), kind);
      assertFalse(Files.exists(dir.getParent().getParent().resolve(outside)), kind);
    }
  }

  @Test
  void aZipBombStopsAtTheBoundOfUnpackedBytes() throws IOException {
    Path dir = folder();
    byte[] zeros = new byte[8 << 20];
    byte[] archive = zip(Map.of("variables/variables.data-00000-of-00001", zeros));
    assertTrue(archive.length < 100_000, "the bomb is small: " + archive.length);
    ModelUploadException e = refused(archive, dir);
    assertEquals(ModelUploadException.Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains(ModelArchive.Bounds.MAX_UNPACKED), e.getMessage());
    long written = 0;
    for (Path p : contents(dir)) {
      if (Files.isRegularFile(p)) {
        written += Files.size(p);
      }
    }
    assertTrue(written <= BOUNDS.maxUnpackedBytes(), "wrote " + written);
  }

  @Test
  void tooManyEntriesAreRefusedNamingTheSetting() throws IOException {
    java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
    for (int i = 0; i <= BOUNDS.maxFiles(); i++) {
      entries.put("shard" + i + ".bin", new byte[] {1});
    }
    Path dir = folder();
    ModelUploadException e = refused(zip(entries), dir);
    assertEquals(ModelUploadException.Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains(ModelArchive.Bounds.MAX_FILES), e.getMessage());
    assertEquals(List.of(), contents(dir));
  }

  @Test
  void aFolderZippedWholeIsFoundInsideItsOneFolderAndMacOsExtrasAreSkipped() throws IOException {
    java.util.LinkedHashMap<String, byte[]> entries = new java.util.LinkedHashMap<>();
    entries.put("potato/saved_model.pb", new byte[] {1, 2});
    entries.put("potato/variables/variables.index", new byte[] {3});
    entries.put("__MACOSX/potato/._saved_model.pb", new byte[] {4});
    entries.put("potato/.DS_Store", new byte[] {5});
    Path dir = folder();
    ModelArchive.Unpacked u = ModelArchive.unpack(body(zip(entries)), dir, "m", BOUNDS);
    assertEquals(ModelArchive.Kind.ZIP, u.kind());
    assertEquals(2, u.files());
    Path root = ModelArchive.modelRoot(dir);
    assertEquals(dir.resolve("potato"), root);
    assertTrue(Files.isRegularFile(root.resolve("variables/variables.index")));
    assertFalse(Files.exists(root.resolve(".DS_Store")));
  }

  @Test
  void formatsAreToldApartByTheirBytes() throws IOException {
    byte[] keras =
        zip(
            new java.util.TreeMap<>(
                Map.of(
                    "config.json", "{}".getBytes(StandardCharsets.UTF_8),
                    "metadata.json", "{}".getBytes(StandardCharsets.UTF_8),
                    "model.weights.h5", new byte[] {1})));
    Path dir = folder();
    ModelArchive.Unpacked u = ModelArchive.unpack(body(keras), dir, "m", BOUNDS);
    assertEquals(ModelArchive.Kind.KERAS, u.kind());
    assertTrue(Files.isRegularFile(dir.resolve("m.keras")));

    byte[] hdf5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0};
    Path h5dir = folder();
    assertEquals(
        ModelArchive.Kind.HDF5, ModelArchive.unpack(body(hdf5), h5dir, "m", BOUNDS).kind());
    assertTrue(Files.isRegularFile(h5dir.resolve("m.h5")));

    Path other = folder();
    ModelUploadException e =
        refused("{\"not\": \"a model\"}".getBytes(StandardCharsets.UTF_8), other);
    assertEquals(ModelUploadException.Reason.UNKNOWN_FORMAT, e.reason());
    assertEquals(List.of(), contents(other));
  }
}
