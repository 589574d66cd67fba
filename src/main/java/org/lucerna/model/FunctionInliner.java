package org.lucerna.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Inlines every function call of a GraphDef into the graph itself, until none is left.
 *
 * <p>Why: a TF2 Keras SavedModel keeps its layers inside functions. Their nodes cannot be fetched,
 * and a gradient through a call is built as a run-time SymbolicGradient whose small registry lacks
 * many ops (FusedBatchNormV3, Pad, the Resize ops...). Once inlined, the C++ gradient registry
 * handles them all.
 *
 * <p>A call node {@code C} becomes {@code C/__arg_i = Identity(input i)} per argument, a copy
 * {@code C/<name>} of each body node, and an {@code IdentityN} (or {@code NoOp}) named {@code C} so
 * that {@code C:k} and {@code ^C} still resolve; data consumers of {@code C:k} are rewired to the
 * body's return value. The layers its functions are named after ({@code
 * __inference_conv2d_1_layer_call_fn_...}) are collected: they give the Keras layer names of models
 * saved without {@code keras_metadata.pb}.
 */
final class FunctionInliner {
  private static final Set<String> CALL_OPS = Set.of("PartitionedCall", "StatefulPartitionedCall");
  private static final Pattern KERAS_LAYER_FUNCTION =
      Pattern.compile("__inference_(.+?)_layer_call_(?:and_return_conditional_losses|fn)_\\d+");
  private static volatile Map<String, OpDef> registeredOps;

  private final Map<String, FunctionDef> library = new HashMap<>();
  private final Set<String> layerNames = new LinkedHashSet<>();

  private FunctionInliner(GraphDef def) {
    for (FunctionDef f : def.getLibrary().getFunctionList()) {
      library.put(f.getSignature().getName(), f);
      // Every layer has such functions, whether the serving function calls them or a flat copy.
      Matcher layer = KERAS_LAYER_FUNCTION.matcher(f.getSignature().getName());
      if (layer.matches()) {
        layerNames.add(layer.group(1));
      }
    }
  }

  /**
   * The inlined graph, with an empty function library, and the Keras layer names its functions are
   * named after.
   */
  record Inlined(GraphDef graph, Set<String> layerNames) {}

  static Inlined inline(GraphDef def) {
    FunctionInliner inliner = new FunctionInliner(def);
    List<NodeDef> nodes = new ArrayList<>(def.getNodeList());
    for (int round = 0; ; round++) {
      if (round > 64) {
        throw new ModelException.Unusable("function calls nest deeper than 64 levels (recursion?)");
      }
      List<NodeDef> next = inliner.inlineRound(nodes);
      if (next == null) {
        break;
      }
      nodes = next;
    }
    for (NodeDef n : nodes) {
      for (AttrValue a : n.getAttrMap().values()) {
        if (a.hasFunc() || (a.hasList() && a.getList().getFuncCount() > 0)) {
          throw new ModelException.Unusable(
              "node '"
                  + n.getName()
                  + "' is a "
                  + n.getOp()
                  + " (functional control flow), which cannot be flattened into a differentiable graph");
        }
      }
    }
    GraphDef flat = def.toBuilder().clearNode().addAllNode(nodes).clearLibrary().build();
    return new Inlined(flat, inliner.layerNames);
  }

  private boolean isCall(NodeDef n) {
    return CALL_OPS.contains(n.getOp()) || library.containsKey(n.getOp());
  }

  /** One pass over the current calls; null when there is none. */
  private List<NodeDef> inlineRound(List<NodeDef> nodes) {
    Map<String, String> rewired = new HashMap<>();
    List<NodeDef> out = new ArrayList<>(nodes.size() * 2);
    boolean any = false;
    for (NodeDef n : nodes) {
      if (isCall(n)) {
        any = true;
        expand(n, out, rewired);
      } else {
        out.add(n);
      }
    }
    if (!any) {
      return null;
    }
    List<NodeDef> result = new ArrayList<>(out.size());
    for (NodeDef n : out) {
      NodeDef.Builder b = null;
      for (int i = 0; i < n.getInputCount(); i++) {
        String target = rewired.get(canonical(n.getInput(i)));
        if (target != null && !n.getInput(i).startsWith("^")) {
          if (b == null) {
            b = n.toBuilder();
          }
          b.setInput(i, target);
        }
      }
      result.add(b == null ? n : b.build());
    }
    return result;
  }

  private static String canonical(String input) {
    return input.contains(":") || input.startsWith("^") ? input : input + ":0";
  }

  /**
   * A call being inlined: the function it calls with the attrs bound to it, and its inputs.
   *
   * @param body the function's nodes by name
   */
  private record Call(
      NodeDef node,
      String function,
      FunctionDef fn,
      Map<String, AttrValue> bound,
      Map<String, NodeDef> body,
      List<String> dataInputs,
      List<String> controlInputs) {
    String prefix() {
      return node.getName() + "/";
    }
  }

  /** Replaces {@code call} by its arguments, a copy of its body and a node named as the call. */
  private void expand(NodeDef call, List<NodeDef> out, Map<String, String> rewired) {
    Call c = resolve(call);
    Map<String, String> args = bindArguments(c, out);
    copyBody(c, args, out);
    out.add(returnNode(c, args, rewired));
  }

  private Call resolve(NodeDef call) {
    String fname;
    Map<String, AttrValue> bound;
    if (CALL_OPS.contains(call.getOp())) {
      NameAttrList f = call.getAttrOrThrow("f").getFunc();
      fname = f.getName();
      bound = f.getAttrMap();
    } else {
      fname = call.getOp();
      bound = call.getAttrMap();
    }
    FunctionDef fn = library.get(fname);
    if (fn == null) {
      throw new ModelException.Unusable(
          "node '"
              + call.getName()
              + "' calls function '"
              + fname
              + "', which the SavedModel's function library does not hold");
    }
    Map<String, NodeDef> body = new HashMap<>();
    fn.getNodeDefList().forEach(n -> body.put(n.getName(), n));
    return new Call(
        call,
        fname,
        fn,
        bound,
        body,
        call.getInputList().stream().filter(i -> !i.startsWith("^")).toList(),
        call.getInputList().stream().filter(i -> i.startsWith("^")).toList());
  }

  /**
   * Adds {@code C/__arg_i = Identity(input i)} per argument; the argument names, mapped to those
   * nodes.
   */
  private static Map<String, String> bindArguments(Call c, List<NodeDef> out) {
    var inputArgs = c.fn().getSignature().getInputArgList();
    if (inputArgs.size() != c.dataInputs().size()) {
      throw new ModelException.Unusable(
          "node '"
              + c.node().getName()
              + "' passes "
              + c.dataInputs().size()
              + " inputs to '"
              + c.function()
              + "', which takes "
              + inputArgs.size());
    }
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i < inputArgs.size(); i++) {
      var arg = inputArgs.get(i);
      String argNode = c.prefix() + "__arg_" + i;
      args.put(arg.getName(), argNode);
      AttrValue type =
          arg.getTypeAttr().isEmpty()
              ? AttrValue.newBuilder().setType(arg.getType()).build()
              : c.bound().get(arg.getTypeAttr());
      out.add(
          NodeDef.newBuilder()
              .setName(argNode)
              .setOp("Identity")
              .addInput(c.dataInputs().get(i))
              .addAllInput(c.controlInputs())
              .putAttr("T", type)
              .build());
    }
    return args;
  }

  /** Adds {@code C/<name>} per body node, its inputs translated and its attr placeholders bound. */
  private void copyBody(Call c, Map<String, String> args, List<NodeDef> out) {
    for (NodeDef n : c.fn().getNodeDefList()) {
      NodeDef.Builder b = n.toBuilder().setName(c.prefix() + n.getName()).clearInput();
      for (String in : n.getInputList()) {
        b.addInput(translate(in, c.prefix(), args, c.body()));
      }
      if (n.getInputCount() == 0 && !c.controlInputs().isEmpty()) {
        b.addAllInput(
            c.controlInputs()); // body constants must still wait for the call's control inputs
      }
      for (var e : n.getAttrMap().entrySet()) {
        String placeholder = e.getValue().getPlaceholder();
        if (!placeholder.isEmpty()) {
          AttrValue v = c.bound().get(placeholder);
          if (v == null) {
            throw new ModelException.Unusable(
                "function '"
                    + c.function()
                    + "' needs attr '"
                    + placeholder
                    + "', which call '"
                    + c.node().getName()
                    + "' does not set");
          }
          b.putAttr(e.getKey(), v);
        }
      }
      out.add(b.build());
    }
  }

  /**
   * The node named as the call, so that {@code C:k} and {@code ^C} still resolve: an {@code
   * IdentityN} of the return values (or a {@code NoOp}); records in {@code rewired} where each
   * {@code C:k} now comes from.
   */
  private NodeDef returnNode(Call c, Map<String, String> args, Map<String, String> rewired) {
    String name = c.node().getName();
    List<String> returns = new ArrayList<>();
    AttrValue.ListValue.Builder types = AttrValue.ListValue.newBuilder();
    for (var outArg : c.fn().getSignature().getOutputArgList()) {
      String ret = c.fn().getRetOrThrow(outArg.getName());
      returns.add(translate(ret, c.prefix(), args, c.body()));
      types.addType(
          outArg.getTypeAttr().isEmpty()
              ? outArg.getType()
              : c.bound().get(outArg.getTypeAttr()).getType());
    }
    for (int k = 0; k < returns.size(); k++) {
      rewired.put(name + ":" + k, returns.get(k));
    }
    NodeDef.Builder marker = NodeDef.newBuilder().setName(name);
    if (returns.isEmpty()) {
      marker.setOp("NoOp");
    } else {
      marker
          .setOp("IdentityN")
          .addAllInput(returns)
          .putAttr("T", AttrValue.newBuilder().setList(types).build());
    }
    c.fn().getControlRetMap().values().forEach(r -> marker.addInput("^" + c.prefix() + r));
    return marker.build();
  }

  /** A body input ({@code arg}, {@code node:out_arg:k}, {@code ^node}) as a graph input string. */
  private String translate(
      String in, String prefix, Map<String, String> args, Map<String, NodeDef> body) {
    if (in.startsWith("^")) {
      String name = in.substring(1);
      return "^" + (args.containsKey(name) ? args.get(name) : prefix + name);
    }
    String[] parts = in.split(":");
    if (parts.length == 1 || (parts.length == 2 && args.containsKey(parts[0]))) {
      String arg = args.get(parts[0]);
      if (arg == null) {
        throw new ModelException.Unusable("function input '" + in + "' names no argument");
      }
      return arg;
    }
    NodeDef node = body.get(parts[0]);
    if (node == null || parts.length != 3) {
      throw new ModelException.Unusable("function input '" + in + "' names no node of the body");
    }
    int index = outputIndex(node, parts[1]) + Integer.parseInt(parts[2]);
    return prefix + parts[0] + ":" + index;
  }

  /** Where output arg {@code argName} of {@code node} starts among the node's flat outputs. */
  private int outputIndex(NodeDef node, String argName) {
    FunctionDef fn = library.get(node.getOp());
    if (fn != null) {
      var outs = fn.getSignature().getOutputArgList();
      for (int i = 0; i < outs.size(); i++) {
        if (outs.get(i).getName().equals(argName)) {
          return i;
        }
      }
      throw new ModelException.Unusable(
          "function '" + node.getOp() + "' has no output '" + argName + "'");
    }
    OpDef op = ops().get(node.getOp());
    if (op == null) {
      throw new ModelException.Unusable(
          "op '"
              + node.getOp()
              + "' of node '"
              + node.getName()
              + "' is not registered in this TensorFlow "
              + TensorFlow.version());
    }
    int index = 0;
    for (OpDef.ArgDef arg : op.getOutputArgList()) {
      if (arg.getName().equals(argName)) {
        return index;
      }
      index += argSize(node, op, arg);
    }
    throw new ModelException.Unusable("op '" + node.getOp() + "' has no output '" + argName + "'");
  }

  private static int argSize(NodeDef node, OpDef op, OpDef.ArgDef arg) {
    if (!arg.getNumberAttr().isEmpty()) {
      return (int) attr(node, op, arg.getNumberAttr()).getI();
    }
    if (!arg.getTypeListAttr().isEmpty()) {
      return attr(node, op, arg.getTypeListAttr()).getList().getTypeCount();
    }
    return 1;
  }

  private static AttrValue attr(NodeDef node, OpDef op, String name) {
    AttrValue v = node.getAttrMap().get(name);
    if (v != null) {
      return v;
    }
    return op.getAttrList().stream()
        .filter(a -> a.getName().equals(name))
        .findFirst()
        .map(OpDef.AttrDef::getDefaultValue)
        .orElseThrow(
            () ->
                new ModelException.Unusable(
                    "node '" + node.getName() + "' lacks attr '" + name + "'"));
  }

  private static Map<String, OpDef> ops() {
    Map<String, OpDef> ops = registeredOps;
    if (ops == null) {
      ops = new HashMap<>();
      for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
        ops.put(op.getName(), op);
      }
      registeredOps = ops;
    }
    return ops;
  }
}
