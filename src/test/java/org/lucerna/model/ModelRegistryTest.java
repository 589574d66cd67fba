package org.lucerna.model;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.testing.TestModels;

class ModelRegistryTest {

  @Test
  void aPreparedModelIsReadBackFromDiskAfterARestart(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("repo");
    TestModels.copyShared("cifar10_cnn", root.resolve("cifar").resolve("1"));
    PreparedModelCache disk = new PreparedModelCache(tmp.resolve("prepared"));
    PreparedModel first;
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root), disk, 1L << 30)) {
      first = registry.get("cifar", OptionalLong.empty());
      assertSame(first, registry.get("cifar", OptionalLong.empty()), "held in memory");
    }
    try (Stream<Path> entries = Files.list(disk.dir())) {
      assertEquals(
          2,
          entries.filter(p -> !p.toString().endsWith(".tmp")).count(),
          "<key>.pb and <key>.json");
    }
    try (ModelRegistry restarted = new ModelRegistry(new ModelRepository(root), disk, 1L << 30)) {
      PreparedModel again = restarted.get("cifar", OptionalLong.empty());
      assertArrayEquals(first.graph().toByteArray(), again.graph().toByteArray());
      assertEquals(first.input(), again.input());
      assertEquals(List.copyOf(first.layers().all()), List.copyOf(again.layers().all()));
      assertEquals("conv2d_1", again.layers().get("conv2d_1").name());
    }
  }

  @Test
  void aFailedModelSaysWhyAndLoadsOnceItsFileNamesWhatItNeeds(@TempDir Path root) throws Exception {
    Path version = root.resolve("mnist").resolve("1");
    TestModels.copyShared("mnist_softmax_tf1", version);
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root))) {
      ModelException e =
          assertThrows(ModelException.class, () -> registry.get("mnist", OptionalLong.empty()));
      assertTrue(e.getMessage().contains("'tags'"), e.getMessage());
      ModelRegistry.VersionState state = registry.versions("mnist").get(0);
      assertEquals(ModelRegistry.State.FAILED, state.state());
      assertEquals(e.getMessage(), state.reason());

      Files.writeString(
          version.resolve(ModelFile.NAME),
          """
          {"tags": ["tag"], "inputNode": "input", "valueRange": [-1.0, 1.0], "channelOrder": "BGR",
           "inputSize": [28, 28], "displayNames": {"add": "Logits"}}""");
      PreparedModel model = registry.get("mnist", OptionalLong.empty());
      assertEquals(ModelRegistry.State.AVAILABLE, registry.versions("mnist").get(0).state());
      assertEquals(
          new ModelMetadata(-1, 1, ModelMetadata.ChannelOrder.BGR, 28, 28, Map.of("add", "Logits")),
          model.metadata());

      assertTrue(registry.unload("mnist", OptionalLong.empty()));
      assertEquals(ModelRegistry.State.UNLOADED, registry.versions("mnist").get(0).state());
    }
  }

  @Test
  void aRemovedModelIsForgottenByTheRescan(@TempDir Path root) throws Exception {
    Path version = root.resolve("tiny").resolve("1");
    TinyCnn.write(version);
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root))) {
      PreparedModel model = registry.get("tiny", OptionalLong.empty());
      try (Stream<Path> files = Files.walk(root.resolve("tiny"))) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      registry.rescan();
      assertFalse(registry.loaded(model.id()).isPresent());
      assertThrows(ModelException.NotFound.class, () -> registry.get("tiny", OptionalLong.empty()));
    }
  }

  @Test
  void theRescanRemovesThePreparedModelsOfVersionsThatLeftTheRepository(@TempDir Path tmp)
      throws Exception {
    Path root = tmp.resolve("repo");
    TinyCnn.write(root.resolve("tiny").resolve("1"));
    TestModels.copyShared("cifar10_cnn", root.resolve("cifar").resolve("1"));
    PreparedModelCache disk = new PreparedModelCache(tmp.resolve("prepared"));
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root), disk, 1L << 30)) {
      registry.get("tiny", OptionalLong.empty());
      registry.get("cifar", OptionalLong.empty());
      assertEquals(4, entries(disk), "<key>.pb and <key>.json of each");
      registry.rescan();
      assertEquals(4, entries(disk), "both versions are still in the repository");
      try (Stream<Path> files = Files.walk(root.resolve("tiny"))) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      registry.rescan();
      assertEquals(2, entries(disk), "the entry of tiny@1 is gone, cifar@1's stays");
      registry.unload("cifar", OptionalLong.empty());
    }
    try (ModelRegistry restarted = new ModelRegistry(new ModelRepository(root), disk, 1L << 30)) {
      // Still prepared: read back, not prepared again (which would write a second entry).
      assertEquals(
          "conv2d_1", restarted.get("cifar", OptionalLong.empty()).layers().get("conv2d_1").name());
      assertEquals(2, entries(disk));
    }
  }

  private static long entries(PreparedModelCache disk) throws Exception {
    try (Stream<Path> files = Files.list(disk.dir())) {
      return files.filter(p -> !p.toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void memoryHoldsNoMoreThanItsBoundInBytes(@TempDir Path root) throws Exception {
    TinyCnn.write(root.resolve("tiny").resolve("1"));
    try (ModelRegistry registry = new ModelRegistry(new ModelRepository(root), null, 1024)) {
      PreparedModel model = registry.get("tiny", OptionalLong.empty());
      assertTrue(model.sizeBytes() > 1024, "the tiny CNN weighs " + model.sizeBytes());
      // Eviction runs on the registry's executor.
      await("evicted: heavier than the bound")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> registry.loaded(model.id()).isEmpty());
    }
  }
}
