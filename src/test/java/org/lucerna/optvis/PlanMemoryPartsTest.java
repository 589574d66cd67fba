package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.lucerna.model.LayerShapes;
import org.lucerna.model.PreparedModel;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.Crops;
import org.lucerna.optvis.transform.Noise;
import org.lucerna.testing.TestModels;

/**
 * The estimate counts what MACO's parametrization and crops add: crops multiply every later part by
 * their count (at the model's size when it is fixed), and MACO's phase-to-image ops are counted op
 * by op.
 */
class PlanMemoryPartsTest {
  private static final ParamSpec MACO =
      new ParamSpec(ParamSpec.Kind.MACO, 1, true, ParamSpec.Squash.SIGMOID, 1);
  private static final Objective OBJECTIVE = Objectives.channel("conv3", 0);

  @Test
  void cropsMultiplyTheModelsActivationsByTheirCount() throws Exception {
    PreparedModel tiny = TestModels.tinyCnn();
    LayerShapes shapes = new LayerShapes();
    PlanSpec plain = PlanSpec.of(64, 64, 2, OBJECTIVE).withTransforms(List.of());
    PlanSpec cropped =
        plain.withTransforms(List.of(new Crops(8, List.of(0.1, 0.5)), new Noise(0.08)));
    PlanMemory.Estimate a = PlanMemory.estimate(tiny, plain, shapes);
    PlanMemory.Estimate b = PlanMemory.estimate(tiny, cropped, shapes);
    assertEquals(8 * a.activations(), b.activations(), 8);
    assertEquals(8 * a.gradients(), b.gradients(), 8);
    // The crops, their gradient and the noise, at least 8 × 2 image batches more.
    assertTrue(b.transforms() - a.transforms() >= 4L * 8 * 2 * 2 * 64 * 64 * 3, b.describe());
  }

  @Test
  void cropsForAFixedInputAreCountedAtTheModelsSize() throws Exception {
    TestModels.copyShared("cifar10_cnn", TestModels.ROOT.resolve("cifar10_cnn").resolve("1"));
    PreparedModel cifar = TestModels.registry().get("cifar10_cnn", OptionalLong.empty());
    LayerShapes shapes = new LayerShapes();
    Objective o = Objectives.channel("conv2d_1", 0);
    PlanSpec plain = PlanSpec.of(512, 512, 1, o).withTransforms(List.of());
    PlanSpec cropped = plain.withTransforms(List.of(new Crops(16, List.of(0.1, 0.5))));
    PlanMemory.Estimate a = PlanMemory.estimate(cifar, plain, shapes);
    PlanMemory.Estimate b = PlanMemory.estimate(cifar, cropped, shapes);
    // The model sees 32×32 either way: 16 inputs instead of one.
    assertEquals(16 * a.activations(), b.activations(), 16);
    // Crops at 32×32, not at 512×512: far less than one 512 px image batch per crop.
    assertTrue(b.transforms() - a.transforms() < 16L * 4 * 512 * 512 * 3, b.describe());
  }

  @Test
  void macoCountsItsPhaseItsOpsAndItsBases() {
    PreparedModel tiny = TestModels.tinyCnn();
    LayerShapes shapes = new LayerShapes();
    PlanSpec fourier = PlanSpec.of(224, 224, 2, OBJECTIVE).withTransforms(List.of());
    PlanSpec maco = fourier.withParam(MACO);
    long image = 2L * 224 * 224 * 3;
    long f = PlanMemory.estimate(tiny, fourier, shapes).parametrization();
    long m = PlanMemory.estimate(tiny, maco, shapes).parametrization();
    assertEquals(
        4 * (PlanMemory.macoFloats(2, 224, 224, 3) + 2 * image + 2L * 224 * 224), m, m / 1e6);
    // More ops than the Fourier basis's six image batches, fewer than 40.
    assertTrue(m > f && m < 4 * 40 * image, f + " " + m);
  }

  @Test
  void cppnCountsItsHiddenLayersPerPixel() {
    PreparedModel tiny = TestModels.tinyCnn();
    LayerShapes shapes = new LayerShapes();
    PlanSpec fourier = PlanSpec.of(224, 224, 2, OBJECTIVE).withTransforms(List.of());
    PlanSpec cppn =
        fourier.withParam(
            new ParamSpec(ParamSpec.Kind.CPPN, 1, false, ParamSpec.Squash.SIGMOID, 1));
    long pixels = 2L * 224 * 224;
    long f = PlanMemory.estimate(tiny, fourier, shapes).parametrization();
    long c = PlanMemory.estimate(tiny, cppn, shapes).parametrization();
    assertEquals(4 * (PlanMemory.cppnFloats(2, 224, 224, 3) + 2 * 3 * pixels + pixels), c, c / 1e6);
    // Eight layers of 96 kept floats per pixel, forward and back: far more than a Fourier image.
    assertTrue(c > 4L * 2 * 8 * 96 * pixels && c > 10 * f, f + " " + c);
  }
}
