package org.lucerna.optvis;

import java.util.List;
import java.util.function.Function;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GradientDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;

/**
 * A graph function with a gradient of our choosing. TensorFlow Java cannot replace a registered
 * gradient, and a gradient registered from Java is bound to the class loader that registered it; a
 * {@code GradientDef} in the graph's own function library has neither limit. TensorFlow's runtime uses it
 * for the {@code SymbolicGradient} that {@code addGradients} builds for a call of the function, on the
 * call's device. The gradient function takes the function's inputs followed by the gradients of its
 * outputs, and returns one gradient per input.
 *
 * @param forward the function
 * @param gradient its gradient function
 */
public record GraphFunction(FunctionDef forward, FunctionDef gradient) {

  /** Defines {@code name} and {@code name_grad} from graphs built with {@link Ops}. */
  public static GraphFunction define(String name, Function<Ops, Signature> forward, Function<Ops, Signature> gradient) {
    return new GraphFunction(functionDef(name, forward), functionDef(name + "_grad", gradient));
  }

  private static FunctionDef functionDef(String name, Function<Ops, Signature> body) {
    try (ConcreteFunction f = ConcreteFunction.create(body)) {
      FunctionDef def = f.getFunctionDef();
      return def.toBuilder().setSignature(def.getSignature().toBuilder().setName(name)).build();
    }
  }

  public String name() {
    return forward.getSignature().getName();
  }

  /** Adds the two functions and the link between them to {@code library}. */
  public void addTo(FunctionDefLibrary.Builder library) {
    library.addFunction(forward).addFunction(gradient).addGradient(
        GradientDef.newBuilder().setFunctionName(name()).setGradientFunc(gradient.getSignature().getName()));
  }

  /** The {@code f} attribute of a call of this function. */
  public AttrValue callee() {
    return AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(name())).build();
  }

  /**
   * A call of this function in {@code tf}'s graph, with the functions added to the graph (adding an
   * identical definition again changes nothing). Every input and the one output are float32.
   */
  public Operand<?> call(Ops tf, String opName, List<Operand<?>> inputs) {
    Graph graph = (Graph) tf.scope().env();
    FunctionDefLibrary.Builder library = FunctionDefLibrary.newBuilder();
    addTo(library);
    graph.importGraphDef(GraphDef.newBuilder().setLibrary(library).build());
    org.tensorflow.OperationBuilder call = tf.scope().opBuilder("PartitionedCall", opName);
    DataType[] in = new DataType[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      call.addInput(inputs.get(i).asOutput());
      in[i] = DataType.DT_FLOAT;
    }
    GraphOperation op = (GraphOperation) call.setAttr("Tin", in).setAttr("Tout", new DataType[] {DataType.DT_FLOAT})
        .setAttr("f", callee()).build();
    return op.output(0);
  }
}
