package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes small TF.js layers models the way tfjs-converter does (model.json with modelTopology and
 * weightsManifest, one binary shard), with plain or quantized weights, for the importer's tests.
 */
final class TfjsFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode model = JSON.createObjectNode();
  private final ArrayNode layers;
  private final ObjectNode config;
  private final Map<String, Weight> weights = new LinkedHashMap<>();
  private final SplittableRandom random;

  record Weight(long[] shape, float[] values) {}

  private TfjsFixture(String className, long seed) {
    model.put("class_name", className);
    config = model.putObject("config");
    config.put("name", "model_1");
    layers = config.putArray("layers");
    random = new SplittableRandom(seed);
  }

  /** A functional model whose input layer {@code input_1} takes [batch, h, w, c]. */
  static TfjsFixture functional(long seed, int h, int w, int c) {
    TfjsFixture f = new TfjsFixture("Model", seed);
    ObjectNode in = f.layers.addObject();
    in.put("name", "input_1").put("class_name", "InputLayer");
    in.putObject("config")
        .put("name", "input_1")
        .set("batch_input_shape", JSON.valueToTree(new Object[] {null, h, w, c}));
    in.putArray("inbound_nodes");
    f.config.set("input_layers", JSON.valueToTree(new Object[] {new Object[] {"input_1", 0, 0}}));
    return f;
  }

  /** A Sequential model; its first layer carries the batch_input_shape. */
  static TfjsFixture sequential(long seed) {
    return new TfjsFixture("Sequential", seed);
  }

  static ObjectNode cfg(Object... keyValues) {
    ObjectNode n = JSON.createObjectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      n.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
    }
    return n;
  }

  /** Adds a layer called on the first output of each of {@code inbound} (Keras 2 notation). */
  TfjsFixture layer(String cls, String name, ObjectNode layerConfig, String... inbound) {
    ObjectNode l = layers.addObject();
    l.put("name", name).put("class_name", cls);
    layerConfig.put("name", name);
    l.set("config", layerConfig);
    if (model.path("class_name").asText().equals("Model")) {
      ArrayNode node = l.putArray("inbound_nodes").addArray();
      for (String in : inbound) {
        node.add(JSON.valueToTree(new Object[] {in, 0, 0, Map.of()}));
      }
    }
    return this;
  }

  /** Adds a nested model as a layer of this one. */
  TfjsFixture nested(TfjsFixture inner, String name, String... inbound) {
    inner.config.put("name", name);
    layer(inner.model.path("class_name").asText(), name, inner.config, inbound);
    weights.putAll(inner.weights);
    return this;
  }

  TfjsFixture outputs(String... names) {
    ArrayNode out = config.putArray("output_layers");
    for (String n : names) {
      out.add(JSON.valueToTree(new Object[] {n, 0, 0}));
    }
    return this;
  }

  /** A weight with values uniform in [-1, 1) (or [lo, hi) when given). */
  float[] weight(String name, long[] shape, double lo, double hi) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * random.nextDouble());
    }
    weights.put(name, new Weight(shape, v));
    return v;
  }

  float[] weight(String name, long... shape) {
    return weight(name, shape, -1, 1);
  }

  /**
   * The values the importer must see: after {@link #write} with quantization, the dequantized ones.
   */
  float[] values(String name) {
    return weights.get(name).values();
  }

  /**
   * Writes {@code model.json} and {@code group1-shard1of1.bin} into {@code dir}.
   *
   * @param quantization null for float32, else uint8, uint16 or float16; the stored values are
   *     replaced by what TF.js dequantizes them to
   */
  Path write(Path dir, String quantization) throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "layers-model").put("generatedBy", "TfjsFixture");
    root.putObject("modelTopology")
        .put("keras_version", "2.2.4")
        .put("backend", "tensorflow")
        .set("model_config", model);
    ObjectNode group = root.putArray("weightsManifest").addObject();
    group.putArray("paths").add("group1-shard1of1.bin");
    ArrayNode specs = group.putArray("weights");
    ByteBuffer data = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, Weight> e : weights.entrySet()) {
      float[] v = e.getValue().values();
      ObjectNode spec = specs.addObject();
      spec.put("name", e.getKey())
          .put("dtype", "float32")
          .set("shape", JSON.valueToTree(e.getValue().shape()));
      if (quantization == null) {
        for (float f : v) {
          data.putFloat(f);
        }
        continue;
      }
      if (quantization.equals("float16")) {
        spec.putObject("quantization").put("dtype", "float16");
        for (int i = 0; i < v.length; i++) {
          short h = Float16.fromFloat(v[i]);
          data.putShort(h);
          v[i] = Float16.toFloat(h);
        }
        continue;
      }
      int levels = quantization.equals("uint8") ? 255 : 65535;
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float f : v) {
        min = Math.min(min, f);
        max = Math.max(max, f);
      }
      double scale = max > min ? (max - min) / levels : 1.0;
      spec.putObject("quantization")
          .put("dtype", quantization)
          .put("min", (double) min)
          .put("scale", scale);
      for (int i = 0; i < v.length; i++) {
        long q = Math.round((v[i] - min) / scale);
        if (levels == 255) {
          data.put((byte) q);
        } else {
          data.putShort((short) q);
        }
        v[i] = (float) (q * scale + min);
      }
    }
    Files.write(
        dir.resolve("group1-shard1of1.bin"),
        java.util.Arrays.copyOf(data.array(), data.position()));
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("model.json").toFile(), root);
    return dir;
  }

  JsonNode modelConfig() {
    return model;
  }

  /**
   * Half precision by the textbook (round to nearest even through float's bits), for normal values.
   */
  static final class Float16 {
    static short fromFloat(float f) {
      int bits = Float.floatToIntBits(f);
      int sign = (bits >>> 16) & 0x8000;
      int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
      int mantissa = bits & 0x7fffff;
      if (f == 0f) {
        return (short) sign;
      }
      if (exponent <= 0 || exponent >= 31) {
        throw new IllegalArgumentException("test values stay in half's normal range: " + f);
      }
      int half = sign | (exponent << 10) | (mantissa >>> 13);
      int rest = mantissa & 0x1fff;
      if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
        half++;
      }
      return (short) half;
    }

    static float toFloat(short h) {
      int sign = (h & 0x8000) != 0 ? -1 : 1;
      int exponent = (h >>> 10) & 0x1f;
      int mantissa = h & 0x3ff;
      return exponent == 0
          ? sign * mantissa * 0x1p-24f
          : (float) (sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15));
    }
  }
}
