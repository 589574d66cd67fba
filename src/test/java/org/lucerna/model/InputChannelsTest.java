package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.testing.IteratorInputModel;

/** An input whose channel count the graph leaves free ({@code [-1, 32, 64, -1]}). */
class InputChannelsTest {
  private static final ModelId ID = new ModelId("iterator_input", 1);

  @TempDir Path tmp;

  private PreparedModel load(boolean withConvolutions, Integer inputChannels) {
    Path dir = tmp.resolve(withConvolutions ? "conv" : "flat");
    if (!dir.toFile().exists()) {
      IteratorInputModel.write(dir, withConvolutions);
    }
    return SavedModelLoader.load(
        dir,
        ID,
        new LoadOptions(List.of("serve"), "serving_default", null, inputChannels),
        ModelMetadata.DEFAULT);
  }

  @Test
  void theFirstConvolutionsFilterTellsTheChannelCount() {
    PreparedModel m = load(true, null);
    assertEquals(IteratorInputModel.INPUT, m.input().node());
    assertArrayEquals(new long[] {-1, 32, 64, 3}, m.input().shape());
    assertTrue(m.unrenderable().isEmpty());
    // Shape inference now knows the layers' depths from the input on.
    assertEquals(8, m.layers().get("stem/conv").channels());
    assertEquals(8, m.layers().get("block/conv").channels());
  }

  @Test
  void withoutAConvolutionTheModelListsItsLayersButCannotRender() {
    PreparedModel m = load(false, null);
    assertArrayEquals(new long[] {-1, 32, 64, -1}, m.input().shape());
    String why = m.unrenderable().orElseThrow();
    assertTrue(
        why.contains("iterator_input") && why.contains("inputChannels") && why.contains("NHWC"),
        why);
  }

  @Test
  void inputChannelsInTheModelFileFillsWhatTheGraphLeavesFree() {
    PreparedModel m = load(false, 3);
    assertArrayEquals(new long[] {-1, 32, 64, 3}, m.input().shape());
    assertTrue(m.unrenderable().isEmpty());
    assertEquals(3, m.layers().get("stem/act").channels());
  }

  @Test
  void inputChannelsThatContradictTheFilterAreRefused() {
    PreparedModel m = load(true, 3);
    assertArrayEquals(new long[] {-1, 32, 64, 3}, m.input().shape());
    ModelException e = assertThrows(ModelException.Unusable.class, () -> load(true, 4));
    assertTrue(e.getMessage().contains("inputChannels"), e.getMessage());
  }

  @Test
  void aShortNameResolvesWhenOneLayerEndsWithItAndIsRefusedWhenSeveralDo() {
    PreparedModel m = load(true, null);
    UnknownLayerException e =
        assertThrows(UnknownLayerException.class, () -> m.layers().get("conv"));
    assertEquals(List.of("stem/conv", "block/conv"), e.closest());
    assertTrue(e.getMessage().contains("stem/conv, block/conv"), e.getMessage());
    // A node's name tail still reads that node, under the name asked for.
    assertEquals("MatMul", m.layers().get("MatMul").name());
  }
}
