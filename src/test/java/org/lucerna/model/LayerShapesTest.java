package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestModels;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** Shapes inferred with the weights left out agree with the shapes of a real run. */
class LayerShapesTest {

  @Test
  void everySpatialLayerOfTinyCnnHasTheSizeARunGivesAtARectangularInput() {
    PreparedModel model = TestModels.tinyCnn();
    assertAgreesWithARun(model, 37, 23);
    assertAgreesWithARun(model, 16, 64);
  }

  @Test
  void everySpatialLayerOfCifar10CnnHasTheSizeARunGivesAtItsFixedInput() {
    PreparedModel model = SharedModels.prepared("cifar10_cnn", LoadOptions.DEFAULT);
    assertAgreesWithARun(model, (int) model.input().height(), (int) model.input().width());
  }

  @Test
  void aSecondQuestionIsAnsweredFromTheCache() {
    PreparedModel model = TestModels.tinyCnn();
    LayerShapes shapes = new LayerShapes();
    LayerInfo conv3 = model.layers().get("conv3");
    Optional<LayerShapes.Spatial> first = shapes.of(model, conv3, 40, 24);
    assertEquals(
        Optional.of(new LayerShapes.Spatial(10, 6)), first, "conv3 is after two 2×2 poolings");
    assertEquals(
        Optional.of(new LayerShapes.Spatial(40, 24)),
        shapes.of(model, model.layers().get("conv1"), 40, 24));
    assertEquals(1, shapes.inferences(), "one graph import for every layer at that size");
    shapes.of(model, conv3, 24, 40);
    assertEquals(2, shapes.inferences());
  }

  @Test
  void theSizesKeptForOneModelAreBounded() {
    PreparedModel model = TestModels.tinyCnn();
    LayerShapes shapes = new LayerShapes();
    LayerInfo conv3 = model.layers().get("conv3");
    int asked = LayerShapes.SIZES_PER_MODEL + 20;
    for (int i = 0; i < asked; i++) {
      int side = 16 + 4 * i;
      assertEquals(
          Optional.of(new LayerShapes.Spatial(side / 4, side / 4)),
          shapes.of(model, conv3, side, side));
    }
    assertEquals(asked, shapes.inferences());
    assertTrue(
        shapes.sizesKept(model) <= LayerShapes.SIZES_PER_MODEL,
        "kept " + shapes.sizesKept(model) + " sizes after " + asked + " were asked");
    // The bound evicts old sizes, not answers: asking again infers again and agrees.
    assertEquals(Optional.of(new LayerShapes.Spatial(4, 4)), shapes.of(model, conv3, 16, 16));
  }

  @Test
  void aDenseLayerAndASizeTheModelRefusesHaveNoSpatialSize() {
    PreparedModel model = TestModels.tinyCnn();
    LayerShapes shapes = new LayerShapes();
    assertEquals(Optional.empty(), shapes.of(model, model.layers().get("logits"), 32, 32));
    assertEquals(Optional.empty(), shapes.of(model, model.layers().get("conv3"), 2, 2));
  }

  private static void assertAgreesWithARun(PreparedModel model, int height, int width) {
    LayerShapes shapes = new LayerShapes();
    List<LayerInfo> spatial = model.layers().all().stream().filter(LayerInfo::spatial).toList();
    assertTrue(spatial.size() >= 3, "layers: " + model.layers().all());
    List<long[]> real = new ArrayList<>();
    try (Graph g = new Graph()) {
      g.importGraphDef(model.graph());
      try (Session s = new Session(g);
          TFloat32 blank =
              TFloat32.tensorOf(Shape.of(1, height, width, model.input().channels()))) {
        Session.Runner runner = s.runner().feed(model.input().node() + ":0", blank);
        int i = 0;
        for (LayerInfo layer : spatial) {
          // Through an Identity, as LayerCheck does: oneDNN may fuse the layer's own op away.
          runner.fetch(
              g.opBuilder("Identity", "shape_check/" + i++, g.baseScope())
                  .addInput(g.outputOrThrow(layer.output()))
                  .build()
                  .output(0));
        }
        try (Result r = runner.run()) {
          for (int k = 0; k < spatial.size(); k++) {
            real.add(r.get(k).shape().asArray());
          }
        }
      }
    }
    for (int k = 0; k < spatial.size(); k++) {
      LayerInfo layer = spatial.get(k);
      assertEquals(
          Optional.of(new LayerShapes.Spatial((int) real.get(k)[1], (int) real.get(k)[2])),
          shapes.of(model, layer, height, width),
          layer + " at " + height + "×" + width);
    }
  }
}
