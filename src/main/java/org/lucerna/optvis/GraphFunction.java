package org.lucerna.optvis;

import java.util.function.Function;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GradientDef;
import org.tensorflow.proto.NameAttrList;

/**
 * A graph function with a gradient of our choosing. TensorFlow Java cannot replace a registered
 * gradient, and a gradient registered from Java is bound to the class loader that registered it; a
 * {@code GradientDef} in the graph's own function library has neither limit. TensorFlow's runtime
 * uses it for the {@code SymbolicGradient} that {@code addGradients} builds for a call of the
 * function, on the call's device. The gradient function takes the function's inputs followed by the
 * gradients of its outputs, and returns one gradient per input.
 *
 * @param forward the function
 * @param gradient its gradient function
 */
record GraphFunction(FunctionDef forward, FunctionDef gradient) {

  /** Defines {@code name} and {@code name_grad} from graphs built with {@link Ops}. */
  static GraphFunction define(
      String name, Function<Ops, Signature> forward, Function<Ops, Signature> gradient) {
    return new GraphFunction(functionDef(name, forward), functionDef(name + "_grad", gradient));
  }

  private static FunctionDef functionDef(String name, Function<Ops, Signature> body) {
    try (ConcreteFunction f = ConcreteFunction.create(body)) {
      FunctionDef def = f.getFunctionDef();
      return def.toBuilder().setSignature(def.getSignature().toBuilder().setName(name)).build();
    }
  }

  String name() {
    return forward.getSignature().getName();
  }

  /** Adds the two functions and the link between them to {@code library}. */
  void addTo(FunctionDefLibrary.Builder library) {
    library
        .addFunction(forward)
        .addFunction(gradient)
        .addGradient(
            GradientDef.newBuilder()
                .setFunctionName(name())
                .setGradientFunc(gradient.getSignature().getName()));
  }

  /** The {@code f} attribute of a call of this function. */
  AttrValue callee() {
    return AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(name())).build();
  }
}
