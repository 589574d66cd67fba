package org.lucerna.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The layers of a frozen graph, by the names their authors know. A node belongs to the innermost
 * component of its name that is a known layer name (Keras names, from {@code keras_metadata.pb} and
 * the SavedModel's function names), so that {@code
 * StatefulPartitionedCall/.../sequential/conv2d_1/Relu} is layer {@code conv2d_1}; without known
 * names (TF1 graphs) a layer is a node's name scope. A layer's activations are its last float
 * tensor of rank 4 (NHWC) or 2 (dense); shapes come from TensorFlow's own shape inference. Every
 * such tensor can also be named by its node name, whole or by a unique suffix.
 */
public final class LayerCatalog {
  private static final Set<String> NOT_ACTIVATIONS =
      Set.of(
          "Const",
          "Placeholder",
          "Identity",
          "IdentityN",
          "Shape",
          "VariableV2",
          "VarHandleOp",
          "NoOp",
          "ReadVariableOp");

  private final String model;
  private final Map<String, LayerInfo> layers;
  private final Map<String, LayerInfo> nodes;
  private final Set<String> knownNames;

  private LayerCatalog(
      String model,
      Map<String, LayerInfo> layers,
      Map<String, LayerInfo> nodes,
      Set<String> knownNames) {
    this.model = model;
    this.layers = layers;
    this.nodes = nodes;
    this.knownNames = knownNames;
  }

  /**
   * Catalogs {@code def} (topologically ordered, as a frozen graph is) with layers named by scope.
   */
  public static LayerCatalog of(String model, GraphDef def, String inputNode) {
    return of(model, def, inputNode, Set.of());
  }

  /** Catalogs {@code def}, naming layers by {@code knownNames} where a node's name holds one. */
  public static LayerCatalog of(
      String model, GraphDef def, String inputNode, Set<String> knownNames) {
    Map<String, LayerInfo> byLayer = new LinkedHashMap<>();
    Map<String, LayerInfo> byNode = new LinkedHashMap<>();
    try (Graph g = new Graph()) {
      g.importGraphDef(def);
      for (NodeDef node : def.getNodeList()) {
        if (NOT_ACTIVATIONS.contains(node.getOp()) || node.getName().equals(inputNode)) {
          continue;
        }
        GraphOperation op = g.operation(node.getName());
        if (op == null || op.numOutputs() < 1 || op.output(0).dataType() != DataType.DT_FLOAT) {
          continue;
        }
        Shape shape = op.output(0).shape();
        if (shape.isUnknown() || (shape.numDimensions() != 4 && shape.numDimensions() != 2)) {
          continue;
        }
        if (shape.get(shape.numDimensions() - 1) <= 0) {
          continue;
        }
        String output = node.getName() + ":0";
        byNode.put(
            node.getName(), new LayerInfo(node.getName(), output, node.getOp(), shape.asArray()));
        String layer = layerOf(node.getName(), knownNames);
        if (layer != null) {
          // Nodes come in topological order: the layer's output is its last activation.
          byLayer.remove(layer);
          byLayer.put(layer, new LayerInfo(layer, output, node.getOp(), shape.asArray()));
        }
      }
    }
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < def.getNodeCount(); i++) {
      position.put(def.getNode(i).getName() + ":0", i);
    }
    List<LayerInfo> ordered = new ArrayList<>(byLayer.values());
    ordered.sort(Comparator.comparingInt(l -> position.get(l.output())));
    Map<String, LayerInfo> layers = new LinkedHashMap<>();
    ordered.forEach(l -> layers.put(l.name(), l));
    return new LayerCatalog(model, layers, byNode, Set.copyOf(knownNames));
  }

  /** The innermost known layer name among the node's scopes; its scope when none is known. */
  static String layerOf(String node, Set<String> knownNames) {
    if (knownNames.isEmpty()) {
      return scopeOf(node);
    }
    String[] parts = node.split("/");
    for (int i = parts.length - 2; i >= 0; i--) {
      if (knownNames.contains(parts[i])) {
        return parts[i];
      }
    }
    return null; // outside every layer: reachable by its node name only
  }

  static String scopeOf(String node) {
    int slash = node.lastIndexOf('/');
    return slash < 0 ? node : node.substring(0, slash);
  }

  /** The layers, in graph order. */
  public Collection<LayerInfo> all() {
    return layers.values();
  }

  /**
   * The names that layers were matched against; kept with a prepared model to rebuild the catalog.
   */
  public Set<String> knownNames() {
    return knownNames;
  }

  /**
   * The layer of that exact name, or else the tensor of the node of that name, or else the one
   * layer whose full name ends with {@code "/" + name} (its short name: {@code block_3_expand_relu}
   * for {@code sequential_1/model1/block_3_expand_relu}), or else the tensor of the one node whose
   * name ends so. The returned layer carries its full name, except for a node found by a suffix.
   *
   * @throws UnknownLayerException when nothing matches, or when several layers end with {@code
   *     name}
   */
  public LayerInfo get(String name) {
    LayerInfo layer = layers.get(name);
    if (layer == null) {
      layer = nodes.get(name);
    }
    if (layer == null && name != null && !name.isEmpty()) {
      List<LayerInfo> ending =
          layers.values().stream().filter(l -> l.name().endsWith("/" + name)).toList();
      if (ending.size() > 1) {
        throw UnknownLayerException.ambiguous(
            model, name, ending.stream().map(LayerInfo::name).toList());
      }
      if (ending.size() == 1) {
        layer = ending.get(0);
      }
    }
    if (layer == null && name != null && !name.isEmpty()) {
      List<LayerInfo> suffixed =
          nodes.values().stream().filter(n -> n.name().endsWith("/" + name)).toList();
      if (suffixed.size() == 1) {
        LayerInfo n = suffixed.get(0);
        layer = new LayerInfo(name, n.output(), n.opType(), n.shape());
      }
    }
    if (layer == null) {
      throw new UnknownLayerException(model, name, closest(name, 5));
    }
    return layer;
  }

  /** The activations of the node of that exact name, when they are a layer's kind of tensor. */
  public java.util.Optional<LayerInfo> node(String name) {
    return java.util.Optional.ofNullable(nodes.get(name));
  }

  public boolean contains(String name) {
    try {
      get(name);
      return true;
    } catch (UnknownLayerException e) {
      return false;
    }
  }

  /** The layer names nearest to {@code name} by edit distance, nearest first. */
  public List<String> closest(String name, int count) {
    String target = name == null ? "" : name;
    return layers.keySet().stream()
        .sorted(
            Comparator.comparingInt((String n) -> editDistance(target, n)).thenComparing(n -> n))
        .limit(count)
        .toList();
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
