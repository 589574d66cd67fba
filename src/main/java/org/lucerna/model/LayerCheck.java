package org.lucerna.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Runs a prepared graph once on a blank input and checks that every cataloged layer's channel count
 * is the depth of its real activations. Shape inference declares the channels; an objective's
 * channel index is checked against them, so a wrong declaration would make renders fail or read the
 * wrong unit.
 */
final class LayerCheck {
  private static final Logger LOG = Logger.getLogger(LayerCheck.class);

  /** Height and width tried for a model of free input size that its metadata does not fix. */
  private static final int FREE_SIZE = 128;

  private LayerCheck() {}

  /** The number of layers checked: 0 when the model could not be run on a blank input. */
  static int check(
      ModelId id,
      GraphDef graph,
      InputSpec input,
      LayerCatalog layers,
      ModelMetadata metadata,
      DataType inputType) {
    long[] dims = blankInputShape(input, metadata, inputType);
    if (dims == null) {
      return 0;
    }
    Map<String, LayerInfo> byOutput = new LinkedHashMap<>();
    layers.all().forEach(l -> byOutput.putIfAbsent(l.output(), l));
    List<long[]> real;
    try {
      real = activationShapes(graph, input, dims, byOutput.keySet());
    } catch (RuntimeException e) {
      // TensorFlow's errors extend several Java exceptions; a size the model refuses says nothing
      // about
      // its layers.
      LOG.debugf("%s: layer check skipped at %s: %s", id, Arrays.toString(dims), e.getMessage());
      return 0;
    }
    compare(id, byOutput.values(), real);
    return real.size();
  }

  /**
   * The input's shape with its free dimensions chosen (batch 1, height and width from the metadata
   * or {@value #FREE_SIZE}); null when no blank input can be built.
   */
  private static long[] blankInputShape(
      InputSpec input, ModelMetadata metadata, DataType inputType) {
    long[] dims = input.shape().clone();
    if (dims.length == 0 || inputType != DataType.DT_FLOAT) {
      return null;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] >= 0) {
        continue;
      }
      if (i == 0) {
        dims[i] = 1;
      } else if (dims.length == 4 && (i == 1 || i == 2)) {
        Integer fixed = i == 1 ? metadata.inputHeight() : metadata.inputWidth();
        dims[i] = fixed != null ? fixed : FREE_SIZE;
      } else {
        return null;
      }
    }
    return dims;
  }

  /**
   * The shape of each output, in order, when the graph runs on a blank input of shape {@code dims}.
   */
  private static List<long[]> activationShapes(
      GraphDef graph, InputSpec input, long[] dims, Collection<String> outputs) {
    List<long[]> real = new ArrayList<>();
    try (Graph g = new Graph()) {
      g.importGraphDef(graph);
      try (Session s = new Session(g);
          TFloat32 blank = TFloat32.tensorOf(Shape.of(dims))) {
        Session.Runner runner = s.runner().feed(input.node() + ":0", blank);
        int i = 0;
        for (String output : outputs) {
          // Fetched through an Identity: oneDNN fuses BiasAdd into a following activation and then
          // cannot find a BiasAdd that is fetched directly.
          runner.fetch(
              g.opBuilder("Identity", "lucerna_check/" + i++, g.baseScope())
                  .addInput(g.outputOrThrow(output))
                  .build()
                  .output(0));
        }
        try (Result r = runner.run()) {
          for (int k = 0; k < outputs.size(); k++) {
            real.add(r.get(k).shape().asArray());
          }
        }
      }
    }
    return real;
  }

  private static void compare(ModelId id, Collection<LayerInfo> layers, List<long[]> real) {
    List<String> wrong = new ArrayList<>();
    int k = 0;
    for (LayerInfo layer : layers) {
      long[] shape = real.get(k++);
      if (shape.length != layer.shape().length || shape[shape.length - 1] != layer.channels()) {
        wrong.add(layer + " computes " + Arrays.toString(shape));
      }
    }
    if (!wrong.isEmpty()) {
      throw new ModelException.Unusable(
          id + ": layers whose declared channels are not their activations' depth: " + wrong);
    }
  }
}
