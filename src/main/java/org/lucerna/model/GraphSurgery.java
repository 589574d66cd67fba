package org.lucerna.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;

/** Pure GraphDef rewrites: pruning, ordering and cleaning a graph for import into a plan. */
final class GraphSurgery {
  private GraphSurgery() {}

  /** The node named by an input string: {@code ^ctrl}, {@code node}, {@code node:1}. */
  static String nodeOf(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }

  /**
   * The value of the constant that {@code input} reads (through Identity nodes), or null when it
   * reads something else or an output other than 0.
   */
  static TensorProto constantOf(String input, Map<String, NodeDef> byName) {
    if (input.startsWith("^") || input.contains(":") && !input.endsWith(":0")) {
      return null;
    }
    NodeDef n = byName.get(GraphSurgery.nodeOf(input));
    for (int hops = 0; n != null && n.getOp().equals("Identity") && hops < 100; hops++) {
      n = byName.get(GraphSurgery.nodeOf(n.getInput(0)));
    }
    if (n == null || !n.getOp().equals("Const") || !n.containsAttr("value")) {
      return null;
    }
    return n.getAttrOrThrow("value").getTensor();
  }

  /** Keeps only the nodes that {@code outputs} depend on, in topological order. */
  static GraphDef pruneAndSort(GraphDef def, Collection<String> outputs) {
    Map<String, NodeDef> byName = new LinkedHashMap<>();
    def.getNodeList().forEach(n -> byName.put(n.getName(), n));
    Set<String> keep = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    outputs.forEach(o -> todo.add(nodeOf(o)));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef node = byName.get(name);
      if (node == null) {
        throw new ModelException.Unusable("graph has no node '" + name + "'");
      }
      if (keep.add(name)) {
        node.getInputList().forEach(i -> todo.add(nodeOf(i)));
      }
    }
    List<NodeDef> kept = new ArrayList<>();
    byName.values().stream().filter(n -> keep.contains(n.getName())).forEach(kept::add);
    return def.toBuilder().clearNode().addAllNode(topological(kept)).build();
  }

  /** Kahn's algorithm, stable with respect to the given order. */
  static List<NodeDef> topological(List<NodeDef> nodes) {
    Map<String, Integer> pending = new HashMap<>();
    Map<String, List<NodeDef>> consumers = new HashMap<>();
    Set<String> present = new HashSet<>();
    nodes.forEach(n -> present.add(n.getName()));
    for (NodeDef n : nodes) {
      Set<String> deps = new HashSet<>();
      for (String in : n.getInputList()) {
        String dep = nodeOf(in);
        if (present.contains(dep) && deps.add(dep)) {
          consumers.computeIfAbsent(dep, k -> new ArrayList<>()).add(n);
        }
      }
      pending.put(n.getName(), deps.size());
    }
    Deque<NodeDef> ready = new ArrayDeque<>();
    nodes.stream().filter(n -> pending.get(n.getName()) == 0).forEach(ready::add);
    List<NodeDef> out = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      NodeDef n = ready.poll();
      out.add(n);
      for (NodeDef c : consumers.getOrDefault(n.getName(), List.of())) {
        if (pending.merge(c.getName(), -1, Integer::sum) == 0) {
          ready.add(c);
        }
      }
    }
    if (out.size() != nodes.size()) {
      throw new ModelException.Unusable("graph has a cycle (control flow is not supported)");
    }
    return out;
  }

  /**
   * Drops device pins and colocation constraints: where the plan runs is the worker's choice, and
   * colocation names nodes that freezing and pruning may have removed.
   */
  static GraphDef unplace(GraphDef def) {
    GraphDef.Builder b = def.toBuilder();
    for (NodeDef.Builder n : b.getNodeBuilderList()) {
      n.setDevice("");
      n.removeAttr("_class");
    }
    return b.build();
  }
}
