package org.lucerna.model;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The height and width of a model's spatial layers for one input image size, by TensorFlow's own
 * shape inference: the graph is imported with its input placeholder declared {@code [1, H, W, C]}
 * and the static shapes of the layers are read, without running anything. Results are kept per
 * model and size, so a repeated question costs a map look-up; the cache is bounded ({@value
 * #MODELS} models, the {@value #SIZES_PER_MODEL} sizes last used of each), since clients choose the
 * sizes.
 */
public final class LayerShapes {
  /** A layer's rows (axis 1) and columns (axis 2). */
  public record Spatial(int height, int width) {}

  private record Size(int height, int width) {}

  private static final int SMALL = 64;

  /** Models whose shapes are kept. */
  static final int MODELS = 32;

  /** Image sizes whose shapes are kept for one model, least recently used out. */
  static final int SIZES_PER_MODEL = 16;

  /**
   * Keyed by the prepared graph itself (by identity): a model reloaded from changed files gets its
   * own entry, and an entry leaves with the model it describes.
   */
  private final Cache<GraphDef, Cache<Size, Map<String, Spatial>>> byGraph =
      Caffeine.newBuilder().weakKeys().maximumSize(MODELS).build();

  private final AtomicInteger inferences = new AtomicInteger();

  /**
   * {@code layer}'s rows and columns when {@code model} reads an image of {@code height}×{@code
   * width} pixels, or empty when shape inference cannot tell (or the layer or the model's input is
   * not NHWC).
   */
  public Optional<Spatial> of(PreparedModel model, LayerInfo layer, int height, int width) {
    if (!model.input().isImage() || !layer.spatial()) {
      return Optional.empty();
    }
    Cache<Size, Map<String, Spatial>> sizes =
        byGraph.get(model.graph(), g -> Caffeine.newBuilder().maximumSize(SIZES_PER_MODEL).build());
    Map<String, Spatial> layers =
        sizes.get(
            new Size(height, width),
            s -> {
              inferences.incrementAndGet();
              return infer(model, s);
            });
    return Optional.ofNullable(layers.get(layer.output()));
  }

  /** How many sizes of {@code model} are kept now: for tests of the bound. */
  long sizesKept(PreparedModel model) {
    Cache<Size, Map<String, Spatial>> sizes = byGraph.getIfPresent(model.graph());
    if (sizes == null) {
      return 0;
    }
    sizes.cleanUp();
    return sizes.estimatedSize();
  }

  /** How many times a graph was imported: for tests of the cache. */
  int inferences() {
    return inferences.get();
  }

  /** Every rank-4 tensor of the graph whose rows and columns are known at that input size. */
  private static Map<String, Spatial> infer(PreparedModel model, Size size) {
    GraphDef sized = withInputShape(model.graph(), model.input(), size);
    Map<String, Spatial> out = new HashMap<>();
    try (Graph g = new Graph()) {
      try {
        g.importGraphDef(sized);
      } catch (RuntimeException e) {
        // The model refuses that size (a layer would shrink below one pixel): nothing to tell; the
        // render reports it.
        return Map.of();
      }
      for (NodeDef node : sized.getNodeList()) {
        GraphOperation op = g.operation(node.getName());
        if (op == null || op.numOutputs() < 1) {
          continue;
        }
        Shape shape = op.output(0).shape();
        if (!shape.isUnknown()
            && shape.numDimensions() == 4
            && shape.get(1) >= 0
            && shape.get(2) >= 0) {
          out.put(node.getName() + ":0", new Spatial((int) shape.get(1), (int) shape.get(2)));
        }
      }
    }
    return Map.copyOf(out);
  }

  private static GraphDef withInputShape(GraphDef graph, InputSpec input, Size size) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(1))
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(size.height()))
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(size.width()))
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(input.channels()))
            .build();
    GraphDef.Builder b = graph.toBuilder();
    boolean found = false;
    for (int i = 0; i < b.getNodeCount(); i++) {
      NodeDef node = b.getNode(i);
      if (node.getName().equals(input.node())) {
        b.setNode(
            i, node.toBuilder().putAttr("shape", AttrValue.newBuilder().setShape(shape).build()));
        found = true;
      } else if (isWeights(node)) {
        b.setNode(i, standIn(node));
      }
    }
    if (!found) {
      throw new IllegalStateException("the graph lacks its input node " + input.node());
    }
    return b.build();
  }

  /**
   * A float constant of more than {@value #SMALL} values: a weight, whose shape is all that shape
   * inference reads. Small and integer constants (shapes, axes, paddings) keep their values, which
   * shape inference does read.
   */
  private static boolean isWeights(NodeDef node) {
    if (!node.getOp().equals("Const") || !node.containsAttr("value")) {
      return false;
    }
    TensorProto value = node.getAttrOrThrow("value").getTensor();
    if (value.getDtype() != DataType.DT_FLOAT || value.getTensorShape().getUnknownRank()) {
      return false;
    }
    long count = 1;
    for (TensorShapeProto.Dim d : value.getTensorShape().getDimList()) {
      count *= d.getSize();
    }
    return count > SMALL;
  }

  /**
   * A placeholder of the constant's shape: importing the weights of a large model (89 MB for
   * InceptionV3) is what a first question would otherwise spend its time on.
   */
  private static NodeDef standIn(NodeDef constant) {
    TensorProto value = constant.getAttrOrThrow("value").getTensor();
    return NodeDef.newBuilder()
        .setName(constant.getName())
        .setOp("Placeholder")
        .putAttr("dtype", AttrValue.newBuilder().setType(value.getDtype()).build())
        .putAttr("shape", AttrValue.newBuilder().setShape(value.getTensorShape()).build())
        .addAllInput(constant.getInputList().stream().filter(in -> in.startsWith("^")).toList())
        .build();
  }
}
