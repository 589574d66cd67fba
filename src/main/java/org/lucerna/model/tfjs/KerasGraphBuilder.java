package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Wires a Keras model configuration into a graph: the functional form (layers with {@code
 * inbound_nodes}, Keras 2 and Keras 3 notation), the Sequential form, and models nested in either,
 * whose layers get the nested model's name as an outer scope. {@link KerasLayers} builds each
 * layer's ops.
 */
final class KerasGraphBuilder {
  private static final java.util.Set<String> MODELS =
      java.util.Set.of("Model", "Functional", "Sequential");

  /** The built model: its input placeholder and its outputs by Keras output-layer name. */
  record Built(
      Placeholder<TFloat32> input,
      String inputName,
      long[] inputShape,
      Map<String, Operand<TFloat32>> outputs) {}

  private final Ops root;
  private final KerasLayers layers;
  private final Map<List<String>, Ops> scopes = new HashMap<>();
  private Placeholder<TFloat32> input;
  private String inputName;
  private long[] inputShape;

  KerasGraphBuilder(Ops root, WeightStore weights) {
    this.root = root;
    this.layers = new KerasLayers(root, weights);
  }

  /** The variables the graph holds and the values they must be given before export. */
  List<KerasLayers.VariableInit> variables() {
    return layers.variables();
  }

  Built build(JsonNode model) {
    String name = model.path("config").path("name").asText("model");
    List<Operand<TFloat32>> out = model(model, List.of(), null);
    List<String> outputNames = outputNames(model, out.size());
    Map<String, Operand<TFloat32>> outputs = new LinkedHashMap<>();
    for (int i = 0; i < out.size(); i++) {
      outputs.put(outputNames.get(i), out.get(i));
    }
    if (input == null) {
      throw new MalformedModelException(
          "model '"
              + name
              + "' has no input layer and its first layer has"
              + " no batch_input_shape");
    }
    return new Built(input, inputName, inputShape, outputs);
  }

  private List<String> outputNames(JsonNode model, int count) {
    List<String> names = new ArrayList<>();
    if (!model.path("class_name").asText().equals("Sequential")) {
      tensorRefs(model.path("config").path("output_layers")).forEach(r -> names.add(r.layer()));
    }
    while (names.size() < count) {
      names.add("output_" + names.size());
    }
    return names;
  }

  /**
   * Builds a model's layers under {@code scope}; {@code inputs} are the tensors it is called on
   * (null for the outermost model, whose input layer becomes the placeholder).
   */
  private List<Operand<TFloat32>> model(
      JsonNode model, List<String> scope, List<Operand<TFloat32>> inputs) {
    String className = model.path("class_name").asText();
    JsonNode config = model.path("config");
    return className.equals("Sequential")
        ? sequential(config, scope, inputs)
        : functional(config, scope, inputs);
  }

  private List<Operand<TFloat32>> sequential(
      JsonNode config, List<String> scope, List<Operand<TFloat32>> inputs) {
    JsonNode list = config.isArray() ? config : config.path("layers");
    List<Operand<TFloat32>> x = inputs;
    for (JsonNode layer : list) {
      String cls = layer.path("class_name").asText();
      if (cls.equals("InputLayer")) {
        if (x == null) {
          x =
              List.of(
                  placeholder(
                      layer.path("config").path("name").asText("input"), layer.path("config")));
        }
        continue;
      }
      if (x == null && !MODELS.contains(cls)) {
        JsonNode c = layer.path("config");
        x = List.of(placeholder(c.path("name").asText("layer") + "_input", c));
      }
      // x still null: the first layer is a nested model, whose own input layer becomes the
      // placeholder.
      x = call(layer, scope, x, 0);
    }
    if (x == null) {
      throw new MalformedModelException(
          "Sequential model '" + config.path("name").asText() + "' has no layers");
    }
    return x;
  }

  private List<Operand<TFloat32>> functional(
      JsonNode config, List<String> scope, List<Operand<TFloat32>> inputs) {
    Map<String, List<List<Operand<TFloat32>>>> calls = new HashMap<>();
    List<TensorRef> inputRefs = tensorRefs(config.path("input_layers"));
    List<JsonNode> pending = new ArrayList<>();
    config.path("layers").forEach(pending::add);
    // Keras writes layers in an order that builds; the retry loop only guards against one that does
    // not.
    boolean progress = true;
    while (!pending.isEmpty() && progress) {
      progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        JsonNode layer = it.next();
        String name = layer.path("name").asText(layer.path("config").path("name").asText());
        if (layer.path("class_name").asText().equals("InputLayer")) {
          int index = indexOf(inputRefs, name);
          Operand<TFloat32> t =
              inputs == null
                  ? placeholder(name, layer.path("config"))
                  : inputs.get(index < 0 ? 0 : index);
          calls.put(name, List.of(List.of(t)));
          it.remove();
          progress = true;
          continue;
        }
        List<List<TensorRef>> nodes = inboundNodes(layer.path("inbound_nodes"));
        if (!nodes.stream().flatMap(List::stream).allMatch(r -> calls.containsKey(r.layer()))) {
          continue;
        }
        List<List<Operand<TFloat32>>> results = new ArrayList<>();
        for (List<TensorRef> node : nodes) {
          List<Operand<TFloat32>> args = new ArrayList<>();
          node.forEach(r -> args.add(resolve(calls, r)));
          results.add(call(layer, scope, args, results.size()));
        }
        calls.put(name, results);
        it.remove();
        progress = true;
      }
    }
    if (!pending.isEmpty()) {
      throw new MalformedModelException(
          "layers "
              + pending.stream().map(l -> l.path("name").asText()).toList()
              + " of model '"
              + config.path("name").asText()
              + "' take inputs that no layer produces");
    }
    List<Operand<TFloat32>> outputs = new ArrayList<>();
    tensorRefs(config.path("output_layers")).forEach(r -> outputs.add(resolve(calls, r)));
    return outputs;
  }

  private List<Operand<TFloat32>> call(
      JsonNode layer, List<String> scope, List<Operand<TFloat32>> args, int callIndex) {
    String cls = layer.path("class_name").asText();
    String name = layer.path("config").path("name").asText(layer.path("name").asText());
    if (callIndex > 0) {
      throw new UnsupportedLayerException(
          name, cls, "it is called more than once (shared layers are not" + " supported)");
    }
    List<String> inner = new ArrayList<>(scope);
    inner.add(name);
    if (MODELS.contains(cls)) {
      return model(layer, inner, args);
    }
    return List.of(layers.build(scope(inner), inner, cls, layer.path("config"), args));
  }

  /**
   * One Ops per scope path: TensorFlow Java renames a sub-scope that is opened twice ({@code
   * head_1}).
   */
  private Ops scope(List<String> path) {
    if (path.isEmpty()) {
      return root;
    }
    Ops ops = scopes.get(path);
    if (ops == null) {
      ops = scope(path.subList(0, path.size() - 1)).withSubScope(path.get(path.size() - 1));
      scopes.put(List.copyOf(path), ops);
    }
    return ops;
  }

  private static Operand<TFloat32> resolve(
      Map<String, List<List<Operand<TFloat32>>>> calls, TensorRef r) {
    List<List<Operand<TFloat32>>> c = calls.get(r.layer());
    // A nested model's node indices count calls made outside this model too; one call means that
    // call.
    List<Operand<TFloat32>> node =
        c.size() == 1 ? c.get(0) : c.get(Math.min(r.node(), c.size() - 1));
    if (r.tensor() >= node.size()) {
      throw new MalformedModelException("layer '" + r.layer() + "' has no output " + r.tensor());
    }
    return node.get(r.tensor());
  }

  private Placeholder<TFloat32> placeholder(String name, JsonNode config) {
    if (input != null) {
      throw new UnsupportedLayerException(
          name,
          "InputLayer",
          "the model has more than one input; Lucerna" + " optimizes one image input");
    }
    JsonNode shape =
        config.has("batch_input_shape")
            ? config.get("batch_input_shape")
            : config.path("batch_shape");
    long[] dims = {-1, -1, -1, 3};
    if (shape.isArray() && shape.size() == 4) {
      for (int i = 1; i < 4; i++) {
        dims[i] = shape.get(i).isNull() ? -1 : shape.get(i).asLong();
      }
    } else if (shape.isArray()) {
      throw new UnsupportedLayerException(
          name,
          "InputLayer",
          "its input shape "
              + shape
              + " is not an image"
              + " batch [batch, height, width, channels]");
    }
    input = root.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims)));
    inputName = name;
    inputShape = dims;
    return input;
  }

  /** A reference to output {@code tensor} of call {@code node} of {@code layer}. */
  record TensorRef(String layer, int node, int tensor) {}

  private static int indexOf(List<TensorRef> refs, String layer) {
    for (int i = 0; i < refs.size(); i++) {
      if (refs.get(i).layer().equals(layer)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code [["a", 0, 0], ...]} or a single {@code ["a", 0, 0]}. */
  static List<TensorRef> tensorRefs(JsonNode refs) {
    List<TensorRef> out = new ArrayList<>();
    if (refs.isArray() && refs.size() > 0 && refs.get(0).isTextual()) {
      out.add(ref(refs));
    } else {
      refs.forEach(r -> out.add(ref(r)));
    }
    return out;
  }

  private static TensorRef ref(JsonNode r) {
    return new TensorRef(r.get(0).asText(), r.path(1).asInt(0), r.path(2).asInt(0));
  }

  /**
   * The calls of a layer and the tensors each takes. Keras 2 writes {@code [[["a", 0, 0, {}],
   * ...]]}; Keras 3 writes {@code [{"args": [...keras tensors with keras_history...], "kwargs":
   * {}}]}.
   */
  static List<List<TensorRef>> inboundNodes(JsonNode nodes) {
    List<List<TensorRef>> calls = new ArrayList<>();
    for (JsonNode node : nodes) {
      List<TensorRef> refs = new ArrayList<>();
      if (node.isObject()) {
        collectHistory(node.path("args"), refs);
      } else {
        node.forEach(r -> refs.add(ref(r)));
      }
      calls.add(refs);
    }
    return calls;
  }

  private static void collectHistory(JsonNode n, List<TensorRef> refs) {
    if (n.isObject() && n.path("config").has("keras_history")) {
      refs.add(ref(n.path("config").get("keras_history")));
    } else if (n.isContainerNode()) {
      n.forEach(c -> collectHistory(c, refs));
    }
  }
}
