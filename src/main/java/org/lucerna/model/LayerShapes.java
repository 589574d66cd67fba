package org.lucerna.model;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
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

  /**
   * What shape inference tells at one size: the rows and columns of each rank-4 tensor, and the
   * bytes of each node's outputs for one image (nodes with an output of unknown size are absent).
   */
  private record Inferred(Map<String, Spatial> spatial, Map<String, Long> bytes) {
    static final Inferred NOTHING = new Inferred(Map.of(), Map.of());
  }

  private static final int SMALL = 64;

  /** Models whose shapes are kept. */
  static final int MODELS = 32;

  /** Image sizes whose shapes are kept for one model, least recently used out. */
  static final int SIZES_PER_MODEL = 16;

  /**
   * Keyed by the prepared graph itself (by identity): a model reloaded from changed files gets its
   * own entry, and an entry leaves with the model it describes.
   */
  private final Cache<GraphDef, Cache<Size, Inferred>> byGraph =
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
    return Optional.ofNullable(inferred(model, height, width).spatial().get(layer.output()));
  }

  /**
   * The bytes of every tensor {@code model} computes, for one image of {@code height}×{@code width}
   * pixels, on its way from its input to {@code outputs} ({@code node:0}, included): what one step
   * of a render keeps of the model's forward pass, since a run computes only what its fetches need.
   * 0 when the model's input is not an image or shape inference cannot tell (a size the model
   * refuses; the render reports it).
   */
  public long bytesUpTo(PreparedModel model, Collection<String> outputs, int height, int width) {
    if (!model.input().isImage() || outputs.isEmpty()) {
      return 0;
    }
    Map<String, Long> bytes = inferred(model, height, width).bytes();
    long sum = 0;
    for (String node : between(model.graph(), model.input().node(), outputs)) {
      sum += bytes.getOrDefault(node, 0L);
    }
    return sum;
  }

  private Inferred inferred(PreparedModel model, int height, int width) {
    Cache<Size, Inferred> sizes =
        byGraph.get(model.graph(), g -> Caffeine.newBuilder().maximumSize(SIZES_PER_MODEL).build());
    return sizes.get(
        new Size(height, width),
        s -> {
          inferences.incrementAndGet();
          return infer(model, s);
        });
  }

  /**
   * The nodes that depend on {@code input} and that {@code outputs} depend on, both ends included:
   * the forward pass between them. Control inputs count as dependencies.
   */
  private static Set<String> between(GraphDef graph, String input, Collection<String> outputs) {
    Map<String, List<String>> inputsOf = new HashMap<>();
    Map<String, List<String>> consumersOf = new HashMap<>();
    for (NodeDef node : graph.getNodeList()) {
      List<String> ins = new ArrayList<>();
      for (String in : node.getInputList()) {
        String name = nodeName(in);
        ins.add(name);
        consumersOf.computeIfAbsent(name, k -> new ArrayList<>()).add(node.getName());
      }
      inputsOf.put(node.getName(), ins);
    }
    Set<String> downstream = reach(Set.of(input), consumersOf);
    Set<String> upstream =
        reach(outputs.stream().map(LayerShapes::nodeName).collect(Collectors.toSet()), inputsOf);
    upstream.retainAll(downstream);
    return upstream;
  }

  private static Set<String> reach(Set<String> from, Map<String, List<String>> edges) {
    Set<String> seen = new HashSet<>(from);
    Deque<String> todo = new ArrayDeque<>(from);
    while (!todo.isEmpty()) {
      for (String next : edges.getOrDefault(todo.pop(), List.of())) {
        if (seen.add(next)) {
          todo.push(next);
        }
      }
    }
    return seen;
  }

  /** {@code ^node}, {@code node:1} and {@code node} name the node {@code node}. */
  private static String nodeName(String input) {
    String name = input.startsWith("^") ? input.substring(1) : input;
    int colon = name.lastIndexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  /** How many sizes of {@code model} are kept now: for tests of the bound. */
  long sizesKept(PreparedModel model) {
    Cache<Size, Inferred> sizes = byGraph.getIfPresent(model.graph());
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

  /**
   * Every rank-4 tensor of the graph whose rows and columns are known at that input size, and the
   * bytes of every node's outputs.
   */
  private static Inferred infer(PreparedModel model, Size size) {
    GraphDef sized = withInputShape(model.graph(), model.input(), size);
    Map<String, Spatial> out = new HashMap<>();
    Map<String, Long> bytes = new HashMap<>();
    try (Graph g = new Graph()) {
      try {
        g.importGraphDef(sized);
      } catch (RuntimeException e) {
        // The model refuses that size (a layer would shrink below one pixel): nothing to tell; the
        // render reports it.
        return Inferred.NOTHING;
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
        long total = 0;
        for (int i = 0; i < op.numOutputs(); i++) {
          total += bytes(op.output(i));
        }
        bytes.put(node.getName(), total);
      }
    }
    return new Inferred(Map.copyOf(out), Map.copyOf(bytes));
  }

  /** Bytes of a tensor of known shape and fixed-size type; 0 when either is unknown. */
  private static long bytes(Output<?> output) {
    Shape shape = output.shape();
    int width = width(output.dataType());
    if (shape.isUnknown() || width == 0) {
      return 0;
    }
    long count = 1;
    for (int d = 0; d < shape.numDimensions(); d++) {
      if (shape.get(d) < 0) {
        return 0;
      }
      count *= shape.get(d);
    }
    return count * width;
  }

  private static int width(DataType type) {
    return switch (type) {
      case DT_BOOL, DT_INT8, DT_UINT8, DT_QINT8, DT_QUINT8 -> 1;
      case DT_HALF, DT_BFLOAT16, DT_INT16, DT_UINT16 -> 2;
      case DT_FLOAT, DT_INT32, DT_UINT32 -> 4;
      case DT_DOUBLE, DT_INT64, DT_UINT64, DT_COMPLEX64 -> 8;
      default -> 0;
    };
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
