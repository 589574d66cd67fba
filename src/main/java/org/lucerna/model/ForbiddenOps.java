package org.lucerna.model;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Ops that a prepared inference graph must not hold. A SavedModel is code: an op can read or write
 * files, or call back into Python, and the service runs graphs that users bring. Checked after
 * pruning, so a model's own save and restore functions (which every SavedModel has) do not count
 * against it.
 */
public final class ForbiddenOps {

  /**
   * Ops refused by name: file access, checkpoint I/O, Python callbacks, memory-mapped constants.
   */
  public static final Set<String> NAMES =
      Set.of(
          "ReadFile",
          "WriteFile",
          "Save",
          "SaveV2",
          "SaveSlices",
          "Restore",
          "RestoreV2",
          "RestoreSlice",
          "MergeV2Checkpoints",
          "PyFunc",
          "PyFuncStateless",
          "EagerPyFunc",
          "ShardedFilename",
          "MatchingFiles",
          "ImmutableConst");

  /**
   * Ops refused when their name holds one of these: the reader ops, every file op, every Python op.
   */
  public static final List<String> NAME_PARTS = List.of("Reader", "File", "Py");

  private ForbiddenOps() {}

  public static boolean forbidden(String op) {
    return NAMES.contains(op) || NAME_PARTS.stream().anyMatch(op::contains);
  }

  /** Throws {@link ModelException.Forbidden} listing the forbidden ops of {@code graph}, if any. */
  static void check(ModelId id, GraphDef graph) {
    Set<String> found = new TreeSet<>();
    Set<String> nodes = new TreeSet<>();
    for (NodeDef n : graph.getNodeList()) {
      if (forbidden(n.getOp())) {
        found.add(n.getOp());
        if (nodes.size() < 5) {
          nodes.add(n.getName());
        }
      }
    }
    if (!found.isEmpty()) {
      throw new ModelException.Forbidden(
          id
              + " is refused: its inference graph uses ops that can read or"
              + " write files or run code: "
              + found
              + " (nodes "
              + nodes
              + ")");
    }
  }
}
