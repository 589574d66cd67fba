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
 * The layers of a frozen graph, by name. A layer is a name scope of the graph ({@code conv1/...}); its
 * activations are the scope's last float tensor of rank 4 (NHWC) or 2 (dense). Shapes come from
 * TensorFlow's own shape inference on import.
 */
public final class LayerCatalog {
  private static final Set<String> NOT_ACTIVATIONS =
      Set.of("Const", "Placeholder", "Identity", "Shape", "VariableV2", "VarHandleOp", "NoOp");

  private final String model;
  private final Map<String, LayerInfo> layers;

  private LayerCatalog(String model, Map<String, LayerInfo> layers) {
    this.model = model;
    this.layers = layers;
  }

  /** Catalogs {@code def}, whose nodes must be in topological order (as a frozen graph's are). */
  public static LayerCatalog of(String model, GraphDef def, String inputNode) {
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < def.getNodeCount(); i++) {
      position.put(def.getNode(i).getName(), i);
    }
    Map<String, LayerInfo> byScope = new LinkedHashMap<>();
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
        String scope = scopeOf(node.getName());
        // Later nodes of a scope overwrite earlier ones: the scope's output is its last activation.
        byScope.put(scope, new LayerInfo(scope, node.getName() + ":0", node.getOp(), shape.asArray()));
      }
    }
    List<LayerInfo> ordered = new ArrayList<>(byScope.values());
    ordered.sort(Comparator.comparingInt(l -> position.get(l.output().substring(0, l.output().length() - 2))));
    Map<String, LayerInfo> layers = new LinkedHashMap<>();
    ordered.forEach(l -> layers.put(l.name(), l));
    return new LayerCatalog(model, layers);
  }

  static String scopeOf(String node) {
    int slash = node.lastIndexOf('/');
    return slash < 0 ? node : node.substring(0, slash);
  }

  public Collection<LayerInfo> all() {
    return layers.values();
  }

  /** The layer of that exact name. */
  public LayerInfo get(String name) {
    LayerInfo layer = layers.get(name);
    if (layer == null) {
      throw new UnknownLayerException(model, name, closest(name, 5));
    }
    return layer;
  }

  public boolean contains(String name) {
    return layers.containsKey(name);
  }

  /** The names nearest to {@code name} by edit distance, nearest first. */
  public List<String> closest(String name, int count) {
    return layers.keySet().stream()
        .sorted(Comparator.comparingInt((String n) -> editDistance(name, n)).thenComparing(n -> n))
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
