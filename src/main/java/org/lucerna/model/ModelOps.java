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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * The ops a model may hold: an allow-list, checked on the SavedModel's protobuf before TensorFlow
 * loads it. A SavedModel is code, and loading one runs some of it (its restore op and its init op),
 * so a deny-list of dangerous ops is always one op short (TensorFlow has ops that print to files,
 * dump tensors to debug URLs, read datasets from files or the network...). Instead every op of the
 * MetaGraph, in its graph and in every function of its library, has to be one that computes on
 * tensors, or reads or assigns a variable in memory. The only ops that touch files are the
 * checkpoint ops, and they are allowed only where the loader's own protocol puts them: {@code
 * RestoreV2} in what the saver's restore op runs, {@code SaveV2} and its helpers in what only the
 * saver's save tensor runs (which the service never runs). Anything an init op or a signature
 * reaches gets the plain list.
 */
public final class ModelOps {

  /** Ops that compute on tensors and touch nothing outside the session. */
  static final Set<String> COMPUTE =
      Set.of(
          // structure
          "Const",
          "Placeholder",
          "PlaceholderWithDefault",
          "Identity",
          "IdentityN",
          "NoOp",
          "StopGradient",
          "PreventGradient",
          "Snapshot",
          // reading the next element of an iterator in memory (the datasets that fill one are
          // not allowed)
          "IteratorGetNext",
          "IteratorV2",
          "PartitionedCall", // a call of a library function, whose body is checked itself
          "StatefulPartitionedCall",
          "If",
          "StatelessIf",
          "While",
          "StatelessWhile",
          "Switch",
          "Merge",
          "Enter",
          "Exit",
          "NextIteration",
          "LoopCond",
          // element-wise math
          "Add",
          "AddV2",
          "AddN",
          "Sub",
          "Mul",
          "MulNoNan",
          "Div",
          "DivNoNan",
          "RealDiv",
          "FloorDiv",
          "FloorMod",
          "Mod",
          "TruncateDiv",
          "Neg",
          "Abs",
          "Sign",
          "Square",
          "SquaredDifference",
          "Sqrt",
          "Rsqrt",
          "Reciprocal",
          "Inv",
          "Exp",
          "Expm1",
          "Log",
          "Log1p",
          "Pow",
          "Maximum",
          "Minimum",
          "Sin",
          "Cos",
          "Tan",
          "Asin",
          "Acos",
          "Atan",
          "Atan2",
          "Sinh",
          "Cosh",
          "Tanh",
          "Sigmoid",
          "Erf",
          "Erfc",
          "Floor",
          "Ceil",
          "Round",
          "Rint",
          "ClipByValue",
          "Cast",
          "IsNan",
          "IsInf",
          "IsFinite",
          "Equal",
          "NotEqual",
          "Less",
          "LessEqual",
          "Greater",
          "GreaterEqual",
          "LogicalAnd",
          "LogicalOr",
          "LogicalNot",
          "Select",
          "SelectV2",
          // reductions and linear algebra
          "Sum",
          "Mean",
          "Max",
          "Min",
          "Prod",
          "All",
          "Any",
          "ArgMax",
          "ArgMin",
          "Cumsum",
          "Cumprod",
          "MatMul",
          "BatchMatMul",
          "BatchMatMulV2",
          "BatchMatMulV3",
          "Einsum",
          "TopKV2",
          // neural network layers
          "BiasAdd",
          "BiasAddV1",
          "Conv2D",
          "Conv3D",
          "DepthwiseConv2dNative",
          "Conv2DBackpropInput",
          "MaxPool",
          "MaxPoolV2",
          "MaxPool3D",
          "AvgPool",
          "AvgPool3D",
          "FusedBatchNorm",
          "FusedBatchNormV2",
          "FusedBatchNormV3",
          "LRN",
          "Relu",
          "Relu6",
          "LeakyRelu",
          "Elu",
          "Selu",
          "Softplus",
          "Softsign",
          "Softmax",
          "LogSoftmax",
          "L2Loss",
          "SoftmaxCrossEntropyWithLogits",
          "SparseSoftmaxCrossEntropyWithLogits",
          "DepthToSpace",
          "SpaceToDepth",
          "SpaceToBatchND",
          "BatchToSpaceND",
          "ResizeBilinear",
          "ResizeNearestNeighbor",
          "ResizeBicubic",
          "ResizeArea",
          // gradients, as TF1 training graphs hold them beside inference
          "BroadcastGradientArgs",
          "ReluGrad",
          "Relu6Grad",
          "LeakyReluGrad",
          "EluGrad",
          "SeluGrad",
          "SigmoidGrad",
          "TanhGrad",
          "SoftplusGrad",
          "RsqrtGrad",
          "SqrtGrad",
          "ReciprocalGrad",
          "BiasAddGrad",
          "MaxPoolGrad",
          "AvgPoolGrad",
          "Conv2DBackpropFilter",
          "DepthwiseConv2dNativeBackpropInput",
          "DepthwiseConv2dNativeBackpropFilter",
          "FusedBatchNormGrad",
          "FusedBatchNormGradV3",
          // shapes and layout
          "Reshape",
          "Squeeze",
          "ExpandDims",
          "Transpose",
          "InvertPermutation",
          "Concat",
          "ConcatV2",
          "ConcatOffset",
          "Pack",
          "Unpack",
          "Split",
          "SplitV",
          "Slice",
          "StridedSlice",
          "StridedSliceGrad",
          "Tile",
          "Pad",
          "PadV2",
          "MirrorPad",
          "Gather",
          "GatherV2",
          "GatherNd",
          "ScatterNd",
          "Fill",
          "ZerosLike",
          "OnesLike",
          "Shape",
          "ShapeN",
          "Size",
          "Rank",
          "Range",
          "BroadcastTo",
          "BroadcastArgs",
          "Reverse",
          "ReverseV2",
          "OneHot",
          "Where",
          // random initializers of TF1 graphs (a seed in, numbers out)
          "RandomUniform",
          "RandomUniformInt",
          "RandomStandardNormal",
          "TruncatedNormal",
          "StatelessRandomUniformV2",
          "StatelessRandomNormalV2",
          "StatelessTruncatedNormalV2",
          // string arithmetic of the checkpoint functions (names, not files)
          "StringJoin",
          "StringToNumber",
          "StaticRegexFullMatch");

  /**
   * Variables in memory: created, read, initialized, assigned (by the restore op, and by the
   * training ops TF1 exports keep beside their inference graph). The prepared graph holds none of
   * them: every read is frozen into a constant and the rest pruned.
   */
  static final Set<String> VARIABLES =
      Set.of(
          "VariableV2",
          "Variable",
          "VarHandleOp",
          "ReadVariableOp",
          "VarIsInitializedOp",
          "IsVariableInitialized",
          "Assign",
          "AssignAdd",
          "AssignSub",
          "AssignVariableOp",
          "AssignAddVariableOp",
          "AssignSubVariableOp",
          "DestroyResourceOp",
          "ApplyGradientDescent",
          "ApplyMomentum",
          "ApplyAdam",
          "ApplyRMSProp",
          "ApplyAdagrad",
          "ResourceApplyGradientDescent",
          "ResourceApplyMomentum",
          "ResourceApplyKerasMomentum",
          "ResourceApplyAdam",
          "ResourceApplyRMSProp",
          "ResourceApplyAdagrad");

  private static final Set<String> VARIABLE_READS =
      Set.of("VariableV2", "Variable", "VarHandleOp", "ReadVariableOp");

  /**
   * What the saver's restore op may run besides: reading the checkpoint the loader points it at.
   */
  static final Set<String> RESTORE = Set.of("RestoreV2");

  /** What the saver's save tensor may run besides; the service never runs it. */
  static final Set<String> SAVE =
      Set.of("SaveV2", "MergeV2Checkpoints", "ShardedFilename", "ShardedFilespec");

  /** The collections and signature whose ops TensorFlow's loader runs after restoring. */
  private static final List<String> INIT_COLLECTIONS =
      List.of("saved_model_main_op", "main_op", "legacy_init_op", "table_initializer");

  private static final String INIT_SIGNATURE = "__saved_model_init_op";

  /** How many offending nodes a refusal lists. */
  private static final int LISTED = 8;

  private ModelOps() {}

  /**
   * Whether {@code op} only computes on tensors: what an importer may write into a frozen graph it
   * makes (a TF.js graph model's ops are checked with it before TensorFlow sees them).
   */
  public static boolean computes(String op) {
    return COMPUTE.contains(op);
  }

  /** Whether {@code op} may be part of an inference graph before freezing: compute or read. */
  static boolean inference(String op) {
    return COMPUTE.contains(op) || VARIABLE_READS.contains(op);
  }

  /** Where an op sits, which decides the list it is checked against. */
  private enum Context {
    GENERAL,
    RESTORE,
    SAVE;

    boolean allows(String op) {
      return COMPUTE.contains(op)
          || VARIABLES.contains(op)
          || (this == RESTORE && ModelOps.RESTORE.contains(op))
          || (this == SAVE && ModelOps.SAVE.contains(op));
    }
  }

  /**
   * Checks every node of {@code meta}'s graph and of its function library, before anything of it
   * runs.
   *
   * @throws ModelException.Forbidden naming each op that is not allowed where it is, with its node
   */
  static void check(ModelId id, MetaGraphDef meta) {
    GraphDef graph = meta.getGraphDef();
    Map<String, NodeDef> nodes = new LinkedHashMap<>();
    graph.getNodeList().forEach(n -> nodes.put(n.getName(), n));
    Map<String, FunctionDef> library = new HashMap<>();
    graph.getLibrary().getFunctionList().forEach(f -> library.put(f.getSignature().getName(), f));

    // What each root makes the session run: its inputs, control inputs and called functions.
    List<String> general = new ArrayList<>(initRoots(meta));
    for (SignatureDef s : meta.getSignatureDefMap().values()) {
      s.getOutputsMap().values().stream().map(TensorInfo::getName).forEach(general::add);
      s.getInputsMap().values().stream().map(TensorInfo::getName).forEach(general::add);
    }
    Set<String> generalNodes = closure(general, nodes);
    Set<String> restoreNodes = closure(rootsOf(meta.getSaverDef().getRestoreOpName()), nodes);
    Set<String> saveNodes = closure(rootsOf(meta.getSaverDef().getSaveTensorName()), nodes);

    Map<String, Context> nodeContext = new LinkedHashMap<>();
    for (String name : nodes.keySet()) {
      // A node reached from an init op or a signature, or from nothing at all, is checked plainly.
      Context c =
          generalNodes.contains(name)
              ? Context.GENERAL
              : restoreNodes.contains(name)
                  ? Context.RESTORE
                  : saveNodes.contains(name) ? Context.SAVE : Context.GENERAL;
      nodeContext.put(name, c);
    }
    Map<String, Context> functionContext = functionContexts(nodes, nodeContext, library);

    List<String> refused = new ArrayList<>();
    for (NodeDef n : nodes.values()) {
      refuseUnless(nodeContext.get(n.getName()), n, library, null, refused);
    }
    for (FunctionDef f : library.values()) {
      Context c = functionContext.getOrDefault(f.getSignature().getName(), Context.GENERAL);
      for (NodeDef n : f.getNodeDefList()) {
        refuseUnless(c, n, library, f.getSignature().getName(), refused);
      }
    }
    throwIfAny(id, refused, "before it was loaded");
  }

  /**
   * Checks a prepared inference graph (flat, frozen): nothing but ops that compute.
   *
   * @throws ModelException.Forbidden naming each other op and its node
   */
  static void checkPrepared(ModelId id, GraphDef graph) {
    List<String> refused = new ArrayList<>();
    for (NodeDef n : graph.getNodeList()) {
      if (!COMPUTE.contains(n.getOp())) {
        refused.add(describe(n, null, null));
      }
    }
    throwIfAny(id, refused, "in its prepared inference graph");
  }

  private static void refuseUnless(
      Context context,
      NodeDef n,
      Map<String, FunctionDef> library,
      String function,
      List<String> refused) {
    if (library.containsKey(n.getOp()) || context.allows(n.getOp())) {
      return;
    }
    refused.add(describe(n, function, context));
  }

  private static String describe(NodeDef n, String function, Context context) {
    String where = function == null ? "" : " in function '" + function + "'";
    String why =
        RESTORE.contains(n.getOp()) || SAVE.contains(n.getOp())
            ? " (checkpoint files are read only by what the saver's restore op runs, written only"
                + " by what its save op runs; this one is "
                + (context == null ? "in the inference graph" : "reached from elsewhere")
                + ")"
            : "";
    return n.getOp() + " at node '" + n.getName() + "'" + where + why;
  }

  private static void throwIfAny(ModelId id, List<String> refused, String when) {
    if (refused.isEmpty()) {
      return;
    }
    String listed = refused.stream().limit(LISTED).collect(Collectors.joining("; "));
    String more = refused.size() > LISTED ? " and " + (refused.size() - LISTED) + " more" : "";
    String ops =
        refused.stream()
            .map(r -> r.substring(0, r.indexOf(' ')))
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
    throw new ModelException.Forbidden(
        id
            + " is refused "
            + when
            + ": it holds ops that are not on the list of ops a model may run"
            + " (ops that compute, and variables in memory): "
            + ops
            + " — "
            + listed
            + more);
  }

  private static List<String> initRoots(MetaGraphDef meta) {
    List<String> roots = new ArrayList<>();
    for (String key : INIT_COLLECTIONS) {
      CollectionDef c = meta.getCollectionDefMap().get(key);
      if (c != null) {
        roots.addAll(c.getNodeList().getValueList());
      }
    }
    SignatureDef init = meta.getSignatureDefMap().get(INIT_SIGNATURE);
    if (init != null) {
      init.getOutputsMap().values().forEach(t -> roots.add(t.getName()));
    }
    return roots;
  }

  private static List<String> rootsOf(String tensorOrOp) {
    return tensorOrOp.isEmpty() ? List.of() : List.of(tensorOrOp);
  }

  /** The nodes of the graph that running {@code roots} runs (data and control inputs). */
  private static Set<String> closure(Collection<String> roots, Map<String, NodeDef> nodes) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    roots.stream().map(GraphSurgery::nodeOf).forEach(todo::add);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef n = nodes.get(name);
      if (n != null && seen.add(name)) {
        n.getInputList().stream().map(GraphSurgery::nodeOf).forEach(todo::add);
      }
    }
    return seen;
  }

  /**
   * The context each library function runs in: the strictest of the contexts it is called from (a
   * function called from nowhere is checked plainly).
   */
  private static Map<String, Context> functionContexts(
      Map<String, NodeDef> nodes,
      Map<String, Context> nodeContext,
      Map<String, FunctionDef> library) {
    Map<String, Context> result = new HashMap<>();
    // The strictest first, so that a function reached from two contexts keeps the first it got.
    for (Context c : List.of(Context.GENERAL, Context.RESTORE, Context.SAVE)) {
      Deque<String> todo = new ArrayDeque<>();
      nodes.values().stream()
          .filter(n -> nodeContext.get(n.getName()) == c)
          .flatMap(n -> calledFunctions(n, library))
          .forEach(todo::add);
      while (!todo.isEmpty()) {
        String f = todo.pop();
        if (result.containsKey(f)) {
          continue;
        }
        result.put(f, c);
        library.get(f).getNodeDefList().stream()
            .flatMap(n -> calledFunctions(n, library))
            .forEach(todo::add);
      }
    }
    return result;
  }

  /** The library functions a node calls: by its op, or through function-valued attributes. */
  private static Stream<String> calledFunctions(NodeDef n, Map<String, FunctionDef> library) {
    List<String> called = new ArrayList<>();
    if (library.containsKey(n.getOp())) {
      called.add(n.getOp());
    }
    for (AttrValue a : n.getAttrMap().values()) {
      if (a.hasFunc()) {
        called.add(a.getFunc().getName());
      }
      if (a.hasList()) {
        a.getList().getFuncList().forEach(f -> called.add(f.getName()));
      }
    }
    return called.stream().filter(library::containsKey);
  }
}
