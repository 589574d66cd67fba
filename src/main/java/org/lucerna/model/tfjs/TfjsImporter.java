package org.lucerna.model.tfjs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.lucerna.model.ModelImporter;
import org.lucerna.model.ModelMetadata;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Turns a TF.js layers model folder ({@code model.json} and its weight shards) into a TF1-style
 * SavedModel (VariableV2 weights, tag {@code serve}, signature {@code serving_default}) that the
 * model repository loads like any other, with {@code lucerna-model.json} beside it.
 *
 * <p>As a {@link ModelImporter} (a bean the service hands to its model repository), it imports a
 * version folder that holds {@code model.json} but no {@code saved_model.pb} in place, before it is
 * first loaded.
 */
@Singleton
public final class TfjsImporter implements ModelImporter {
  public static final String SAVED_MODEL = "saved_model.pb";
  public static final String METADATA = "lucerna-model.json";
  private static final System.Logger LOG = System.getLogger(TfjsImporter.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What an import wrote. */
  public record Imported(
      Path dir,
      String input,
      long[] inputShape,
      List<String> outputs,
      int variables,
      long parameters) {}

  @Override
  public String reads() {
    return "TF.js " + LayersModel.FILE;
  }

  @Override
  public Optional<Path> find(Path versionDir) {
    // A graph model's model.json is GraphModelImporter's; one that cannot be read is ours to
    // refuse.
    return LayersModel.exists(versionDir)
            && !GraphModelImporter.FORMAT.equals(LayersModel.format(versionDir))
        ? Optional.of(versionDir)
        : Optional.empty();
  }

  @Override
  public void importInto(Path source, Path versionDir) {
    importModel(source, versionDir);
  }

  /**
   * Imports with the value range and channel order of {@code lucerna-model.json} in {@code
   * modelJsonDir}, else [0, 1] RGB.
   */
  public static Imported importModel(Path modelJsonDir, Path versionDir) {
    return importModel(modelJsonDir, versionDir, null);
  }

  /**
   * Imports the layers model of {@code modelJsonDir} into {@code versionDir}, which may be the same
   * folder. The SavedModel appears at once or not at all: it is written beside {@code versionDir}
   * and moved in, {@code saved_model.pb} last.
   *
   * @param metadata the value range and channel order the model expects; null: from a {@code
   *     lucerna-model.json} in {@code modelJsonDir}, else [0, 1] RGB
   */
  public static Imported importModel(Path modelJsonDir, Path versionDir, ModelMetadata metadata) {
    LayersModel model = LayersModel.read(modelJsonDir);
    return importKeras(
        model.modelConfig(),
        model.weights(),
        model.dir().toString(),
        modelJsonDir,
        versionDir,
        metadata);
  }

  /**
   * Builds the Keras model {@code modelConfig} with {@code weights} and writes it as a SavedModel
   * into {@code versionDir}, with the {@code lucerna-model.json} of {@code metadataDir}
   * (completed); shared by the importers of every format that carries a Keras configuration.
   */
  static Imported importKeras(
      com.fasterxml.jackson.databind.JsonNode modelConfig,
      WeightStore weights,
      String source,
      Path metadataDir,
      Path versionDir,
      ModelMetadata metadata) {
    return stage(
        metadataDir,
        versionDir,
        metadata,
        out -> writeSavedModel(modelConfig, source, weights, out));
  }

  /** Writes a SavedModel into the folder it is given and says what it wrote. */
  interface SavedModelWriter {
    Imported write(Path out) throws IOException;
  }

  /**
   * Runs {@code writer} on a staging folder beside {@code versionDir}, adds the {@code
   * lucerna-model.json} of {@code metadataDir} (completed) and moves the result in, {@code
   * saved_model.pb} last: shared by every importer.
   */
  static Imported stage(
      Path metadataDir, Path versionDir, ModelMetadata metadata, SavedModelWriter writer) {
    Path parent = versionDir.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
      Path staging = Files.createTempDirectory(parent, ".tfjs-import-");
      try {
        Path out = staging.resolve("model");
        Imported imported = writer.write(out);
        writeMetadata(metadataDir, out, metadata, imported.inputShape());
        moveInto(out, versionDir);
        return new Imported(
            versionDir,
            imported.input(),
            imported.inputShape(),
            imported.outputs(),
            imported.variables(),
            imported.parameters());
      } finally {
        deleteTree(staging);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the imported model into " + versionDir + ": " + e.getMessage(), e);
    }
  }

  private static Imported writeSavedModel(
      com.fasterxml.jackson.databind.JsonNode modelConfig,
      String source,
      WeightStore weights,
      Path dir)
      throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      KerasGraphBuilder builder = new KerasGraphBuilder(tf, weights);
      KerasGraphBuilder.Built built = builder.build(modelConfig);
      List<String> unused = weights.unused();
      if (!unused.isEmpty()) {
        LOG.log(
            System.Logger.Level.WARNING, "weights of " + source + " that no layer uses: " + unused);
      }
      long parameters = 0;
      try (Session session = new Session(g)) {
        List<Tensor> values = new ArrayList<>();
        try {
          Session.Runner init = session.runner();
          for (KerasLayers.VariableInit v : builder.variables()) {
            TFloat32 t =
                TFloat32.tensorOf(
                    Shape.of(v.weight().shape()), DataBuffers.of(v.weight().values(), true, false));
            values.add(t);
            init.feed(v.value(), t).addTarget(v.assign());
            parameters += v.weight().values().length;
          }
          init.run();
        } finally {
          values.forEach(Tensor::close);
        }
        Signature.Builder signature =
            Signature.builder().key("serving_default").input(built.inputName(), built.input());
        built.outputs().forEach(signature::output);
        SavedModelBundle.exporter(dir.toString())
            .withSession(session)
            .withFunction(SessionFunction.create(signature.build(), session))
            .export();
      }
      return new Imported(
          dir,
          built.inputName(),
          built.inputShape(),
          List.copyOf(built.outputs().keySet()),
          builder.variables().size(),
          parameters);
    }
  }

  private static void writeMetadata(
      Path source, Path dir, ModelMetadata metadata, long[] inputShape) throws IOException {
    Path given = source.resolve(METADATA);
    ObjectNode json =
        Files.isRegularFile(given)
            ? (ObjectNode) JSON.readTree(given.toFile())
            : JSON.createObjectNode();
    if (metadata != null) {
      json.putArray("valueRange").add(metadata.valueMin()).add(metadata.valueMax());
      json.put("channelOrder", metadata.channelOrder().name());
    }
    if (!json.has("valueRange")) {
      // TF.js image models mostly read pixels / 255; Teachable Machine's read [-1, 1] (say so in
      // the file).
      json.putArray("valueRange").add(0.0).add(1.0);
    }
    if (!json.has("channelOrder")) {
      json.put("channelOrder", "RGB");
    }
    if (inputShape[1] > 0 && inputShape[2] > 0) {
      json.putArray("inputSize").add(inputShape[1]).add(inputShape[2]);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(METADATA).toFile(), json);
  }

  private static void moveInto(Path from, Path versionDir) throws IOException {
    if (!Files.exists(versionDir)) {
      try {
        Files.move(from, versionDir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        // another importer finished first with the same model
      }
      return;
    }
    if (Files.exists(versionDir.resolve(SAVED_MODEL))) {
      return;
    }
    // The folder holds the TF.js files themselves: add the SavedModel beside them, the marker file
    // last.
    Path variables = versionDir.resolve("variables");
    deleteTree(variables);
    Files.move(from.resolve("variables"), variables, StandardCopyOption.ATOMIC_MOVE);
    Files.move(
        from.resolve(METADATA),
        versionDir.resolve(METADATA),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Files.move(
        from.resolve(SAVED_MODEL), versionDir.resolve(SAVED_MODEL), StandardCopyOption.ATOMIC_MOVE);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
