package org.lucerna.model.tfjs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a layers model as float arrays, dequantized the way TF.js does it (in double
 * precision, rounded to float32 once), and a record of which ones the graph used.
 */
public final class WeightStore {

  /** A weight tensor, row-major as TF.js stores it. */
  public record Weight(String name, long[] shape, float[] values) {}

  private final Map<String, Weight> byName;
  private final Set<String> used = new LinkedHashSet<>();

  WeightStore(Map<String, Weight> byName) {
    this.byName = byName;
  }

  static WeightStore read(LayersModel model) {
    Map<String, Weight> weights = new LinkedHashMap<>();
    for (LayersModel.WeightGroup group : model.manifest()) {
      ByteBuffer data = concatenate(model.dir(), group.paths());
      for (LayersModel.WeightSpec spec : group.weights()) {
        weights.put(
            spec.name(), new Weight(spec.name(), spec.shape(), decode(spec, data, model.dir())));
      }
      if (data.hasRemaining()) {
        throw new MalformedModelException(
            "the shards "
                + group.paths()
                + " in "
                + model.dir()
                + " hold "
                + data.remaining()
                + " bytes more than the manifest's weights; the manifest and shards do not match");
      }
    }
    return new WeightStore(weights);
  }

  static ByteBuffer concatenate(Path dir, List<String> paths) {
    List<byte[]> parts = new ArrayList<>();
    int total = 0;
    for (String p : paths) {
      Path file = dir.resolve(p).normalize();
      if (!file.startsWith(dir.normalize())) {
        throw new MalformedModelException("weight path '" + p + "' points outside " + dir);
      }
      try {
        byte[] bytes = Files.readAllBytes(file);
        parts.add(bytes);
        total = Math.addExact(total, bytes.length);
      } catch (IOException e) {
        throw new MalformedModelException(
            "cannot read weight shard "
                + file
                + ": "
                + e.getMessage()
                + "; put the shard files named in model.json's weightsManifest beside it",
            e);
      }
    }
    ByteBuffer all = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    parts.forEach(all::put);
    return all.flip();
  }

  static float[] decode(LayersModel.WeightSpec spec, ByteBuffer data, Path dir) {
    if (!spec.dtype().equals("float32")) {
      throw new MalformedModelException(
          "weight '"
              + spec.name()
              + "' has dtype "
              + spec.dtype()
              + "; only float32 weights (plain or quantized) can be imported");
    }
    int n = Math.toIntExact(spec.size());
    LayersModel.Quantization q = spec.quantization();
    String stored = q == null ? "float32" : q.dtype();
    int width =
        switch (stored) {
          case "float32" -> 4;
          case "uint16", "float16" -> 2;
          case "uint8" -> 1;
          default ->
              throw new MalformedModelException(
                  "weight '"
                      + spec.name()
                      + "' is quantized as '"
                      + stored
                      + "'; supported: uint8, uint16, float16");
        };
    if (data.remaining() < (long) n * width) {
      throw new MalformedModelException(
          "the shards in "
              + dir
              + " end inside weight '"
              + spec.name()
              + "'; the manifest and shards do not match");
    }
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] =
          switch (stored) {
            case "float32" -> data.getFloat();
            case "uint8" -> (float) ((data.get() & 0xff) * q.scale() + q.min());
            case "uint16" -> (float) ((data.getShort() & 0xffff) * q.scale() + q.min());
            default -> halfToFloat(data.getShort());
          };
    }
    return values;
  }

  /** IEEE 754 binary16 to binary32 (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f; // subnormal (or zero): exact in float32
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /**
   * The weight of a layer: {@code <scope>/<param>} for the most specific scope that the manifest
   * has (TF.js names the weights of a nested model's layers either with or without the outer
   * model).
   */
  public Weight get(List<String> scope, String param, String layer, String className) {
    for (int i = 0; i < scope.size(); i++) {
      String name = String.join("/", scope.subList(i, scope.size())) + "/" + param;
      Weight w = byName.get(name);
      if (w != null) {
        used.add(name);
        return w;
      }
    }
    throw new MalformedModelException(
        "layer '"
            + layer
            + "' ("
            + className
            + ") needs the weight '"
            + layer
            + "/"
            + param
            + "', which the weightsManifest does not list");
  }

  /** Weights of the manifest that no layer asked for. */
  public List<String> unused() {
    return byName.keySet().stream().filter(n -> !used.contains(n)).toList();
  }
}
