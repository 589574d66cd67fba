package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.lucerna.model.ModelImporter;

/**
 * Imports a Keras 2 full-model HDF5 file ({@code model.save("m.h5")}): the root attribute {@code
 * model_config} is the same Keras configuration a TF.js layers model carries, so the same builder
 * ({@link KerasGraphBuilder}) wires it; the weights come from the {@code model_weights} group, read
 * with jhdf (pure Java, no native HDF5).
 *
 * <p>A version folder with one {@code .h5} or {@code .hdf5} file and no {@code saved_model.pb} is
 * imported in place; a {@code lucerna-model.json} beside the file is kept (Keras files do not say
 * what range their input has: MNIST models often read 0..255).
 */
@Singleton
public final class KerasH5Importer implements ModelImporter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  @Override
  public String reads() {
    return "Keras .h5 file";
  }

  @Override
  public Optional<Path> find(Path versionDir) {
    if (!Files.isDirectory(versionDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(versionDir)) {
      List<Path> h5 =
          files
              .filter(Files::isRegularFile)
              .filter(
                  f -> {
                    String n = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                    return n.endsWith(".h5") || n.endsWith(".hdf5");
                  })
              .toList();
      return h5.size() == 1 ? Optional.of(h5.get(0)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void importInto(Path source, Path versionDir) {
    importFile(source, versionDir);
  }

  /** Whether {@code file} starts with HDF5's signature (told apart by its bytes, not its name). */
  public static boolean isHdf5(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(HDF5_SIGNATURE.length), HDF5_SIGNATURE);
    } catch (IOException e) {
      return false;
    }
  }

  /** Imports the Keras file {@code h5} into {@code versionDir} (which may be its folder). */
  public static TfjsImporter.Imported importFile(Path h5, Path versionDir) {
    JsonNode config;
    WeightStore weights;
    try (HdfFile file = new HdfFile(h5)) {
      Attribute modelConfig = file.getAttribute("model_config");
      if (modelConfig == null || !(modelConfig.getData() instanceof String json)) {
        throw new MalformedModelException(
            h5.getFileName()
                + " has no model_config attribute: it holds weights only"
                + " (model.save_weights); save the whole model with model.save");
      }
      config = JSON.readTree(json);
      weights = new WeightStore(weights(file, h5));
    } catch (IOException e) {
      throw new MalformedModelException("cannot read " + h5.getFileName() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof MalformedModelException) {
        throw e;
      }
      throw new MalformedModelException(
          h5.getFileName() + " is not a Keras HDF5 file jhdf can read: " + e);
    }
    return TfjsImporter.importKeras(
        config, weights, h5.toString(), h5.toAbsolutePath().getParent(), versionDir, null);
  }

  /**
   * The weights by {@code <layer>/<param>}: {@code model_weights} lists its layers in the attribute
   * {@code layer_names} and each layer its datasets in {@code weight_names} ({@code
   * conv2d_1/kernel:0}; Keras 2.0.5 files say {@code conv2d_1_1/kernel:0}, and a nested model's
   * group holds its layers' weights, {@code conv2d/kernel:0}). Each weight is stored under its
   * group's name and, when the dataset name says another layer, under that one too, so that the
   * builder finds it by either.
   */
  private static Map<String, WeightStore.Weight> weights(HdfFile file, Path h5) {
    Node root = file.getByPath("model_weights");
    if (!(root instanceof Group group)) {
      throw new MalformedModelException(h5.getFileName() + " has no model_weights group");
    }
    Map<String, WeightStore.Weight> byName = new LinkedHashMap<>();
    for (String layer : strings(group.getAttribute("layer_names"))) {
      Node node = group.getChild(layer);
      if (!(node instanceof Group layerGroup)) {
        continue;
      }
      // Order matters only within a layer; jhdf lists children alphabetically, so use the
      // attribute.
      for (String weightName : strings(layerGroup.getAttribute("weight_names"))) {
        Node d = file.getByPath("model_weights/" + layer + "/" + weightName);
        if (!(d instanceof Dataset dataset)) {
          throw new MalformedModelException(
              h5.getFileName() + " lists the weight " + layer + "/" + weightName + " but lacks it");
        }
        String[] parts = weightName.split("/");
        String param = parts[parts.length - 1].replaceFirst(":\\d+$", "");
        WeightStore.Weight w = weight(dataset, layer + "/" + param, h5);
        byName.put(layer + "/" + param, w);
        if (parts.length >= 2) {
          String inner = String.join("/", Arrays.asList(parts).subList(0, parts.length - 1));
          if (!inner.equals(layer)) {
            byName.putIfAbsent(layer + "/" + inner + "/" + param, w);
          }
        }
      }
    }
    return byName;
  }

  /** A float dataset as a weight named {@code name} (Keras stores float32; float64 is narrowed). */
  static WeightStore.Weight weight(Dataset dataset, String name, Path file) {
    long[] shape = Arrays.stream(dataset.getDimensions()).asLongStream().toArray();
    Object flat = dataset.getDataFlat();
    float[] values;
    if (flat instanceof float[] f) {
      values = f;
    } else if (flat instanceof double[] dd) {
      values = new float[dd.length];
      for (int i = 0; i < dd.length; i++) {
        values[i] = (float) dd[i];
      }
    } else {
      throw new MalformedModelException(
          "weight "
              + name
              + " of "
              + file.getFileName()
              + " is not float: "
              + dataset.getJavaType());
    }
    return new WeightStore.Weight(name, shape, values);
  }

  /** A fixed-length string array attribute; a layer without weights has an empty double array. */
  private static List<String> strings(Attribute a) {
    if (a == null) {
      return List.of();
    }
    Object data = a.getData();
    if (data instanceof String[] s) {
      return List.of(s);
    }
    if (data instanceof String s) {
      return List.of(s);
    }
    return List.of();
  }
}
