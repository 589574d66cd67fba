package org.lucerna.optvis;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphImportGraphDef;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GraphOperationByName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_ImportGraphDefOptionsAddInputMapping;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_ImportGraphDefOptionsSetDefaultDevice;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_ImportGraphDefOptionsSetPrefix;

import java.lang.reflect.Field;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_ImportGraphDefOptions;
import org.tensorflow.internal.c_api.TF_Operation;
import org.tensorflow.internal.c_api.TF_Output;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.GraphDef;

/**
 * Imports a model's graph into a plan's graph with the model's input replaced by a tensor the plan
 * built (its transformed image). TensorFlow Java's {@code Graph.importGraphDef} has no input
 * mapping; the C API it wraps does, so this calls the C API on the graph's native handle.
 */
final class GraphImport {
  private static final Field NATIVE_HANDLE;

  static {
    try {
      NATIVE_HANDLE = Graph.class.getDeclaredField("nativeHandle");
      NATIVE_HANDLE.setAccessible(true);
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError(
          "TensorFlow Java's Graph has no 'nativeHandle' field: " + e);
    }
  }

  private GraphImport() {}

  /**
   * Imports {@code def} under {@code prefix}, with every use of {@code inputNode:0} reading {@code
   * replacement} instead, and every op placed on {@code device} unless the graph says otherwise.
   */
  static void importMapped(
      Graph graph,
      GraphDef def,
      String prefix,
      String inputNode,
      Output<?> replacement,
      Device device) {
    TF_Graph handle;
    try {
      handle = (TF_Graph) NATIVE_HANDLE.get(graph);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    try (PointerScope scope = new PointerScope()) {
      TF_Operation target = TF_GraphOperationByName(handle, replacement.op().name());
      TF_ImportGraphDefOptions options = TF_ImportGraphDefOptions.newImportGraphDefOptions();
      TF_ImportGraphDefOptionsSetPrefix(options, prefix);
      TF_ImportGraphDefOptionsSetDefaultDevice(options, device.tensorflowName());
      TF_ImportGraphDefOptionsAddInputMapping(
          options, inputNode, 0, new TF_Output().oper(target).index(replacement.index()));
      TF_Status status = TF_Status.newStatus();
      TF_GraphImportGraphDef(handle, TF_Buffer.newBufferFromString(def), options, status);
      status.throwExceptionIfNotOK();
    }
    graph.baseScope().refreshNames();
  }
}
