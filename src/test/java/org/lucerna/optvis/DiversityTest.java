package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lucerna.model.PreparedModel;
import org.lucerna.testing.TestModels;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

class DiversityTest {
  private static final PreparedModel MODEL = TestModels.tinyCnn();

  /**
   * Check 8 of the reference: the per-element diversity summed over the batch is Lucid's batch
   * formula.
   */
  @Test
  void summedOverTheBatchItEqualsLucidsFormula() {
    int batch = 3;
    int size = 16;
    ImageBatch start = ObjectivesTest.noise(batch, size, size, 11);
    Objective diversity = Objectives.diversity("conv2");
    double planValue;
    try (Plan plan =
        Plan.build(
            MODEL, PlanSpec.of(size, size, batch, diversity), ExecutionOptions.CPU_DEFAULT)) {
      planValue =
          plan.render(
                  diversity, new RenderSettings(1, 1).withStartImage(start), RenderListener.NONE)
              .firstObjective();
    }
    float[][][] f = activations(start, "conv2", batch); // [b][position][channel]
    int channels = f[0][0].length;
    double[][] grams = new double[batch][channels * channels];
    for (int b = 0; b < batch; b++) {
      double norm = 0;
      for (int i = 0; i < channels; i++) {
        for (int j = 0; j < channels; j++) {
          double g = 0;
          for (float[] position : f[b]) {
            g += (double) position[i] * position[j];
          }
          grams[b][i * channels + j] = g;
          norm += g * g;
        }
      }
      for (int k = 0; k < grams[b].length; k++) {
        grams[b][k] /= Math.sqrt(Math.max(norm, 1e-10));
      }
    }
    double lucid = 0; // Lucid's diversity: a similarity, which Lucid's users subtract
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < batch; j++) {
        if (i != j) {
          for (int k = 0; k < grams[i].length; k++) {
            lucid += grams[i][k] * grams[j][k];
          }
        }
      }
    }
    lucid /= batch;
    assertEquals(-lucid, planValue, 1e-4 * Math.abs(lucid));
  }

  private static float[][][] activations(ImageBatch image, String layer, int batch) {
    try (Graph g = new Graph()) {
      g.importGraphDef(MODEL.graph(), "m");
      try (Session s = new Session(g);
          TFloat32 x =
              TFloat32.tensorOf(
                  Shape.of(batch, image.height(), image.width(), 3),
                  DataBuffers.of(image.pixels(), true, false));
          Result r =
              s.runner()
                  .feed("m/" + MODEL.input().node(), x)
                  .fetch("m/" + MODEL.layers().get(layer).output())
                  .run()) {
        TFloat32 a = (TFloat32) r.get(0);
        long[] shape = a.shape().asArray();
        int positions = (int) (shape[1] * shape[2]);
        int channels = (int) shape[3];
        float[] flat = new float[(int) a.shape().size()];
        a.copyTo(DataBuffers.of(flat, false, false));
        float[][][] out = new float[batch][positions][channels];
        for (int b = 0; b < batch; b++) {
          for (int p = 0; p < positions; p++) {
            System.arraycopy(flat, (b * positions + p) * channels, out[b][p], 0, channels);
          }
        }
        return out;
      }
    }
  }
}
