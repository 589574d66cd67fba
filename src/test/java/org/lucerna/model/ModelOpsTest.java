package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lucerna.testing.HostileModels;
import org.lucerna.testing.TestModels;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

class ModelOpsTest {

  private static ModelException.Forbidden refused(Path dir) {
    return assertThrows(
        ModelException.Forbidden.class,
        () ->
            SavedModelLoader.load(
                dir, new ModelId("hostile", 1), LoadOptions.DEFAULT, ModelMetadata.DEFAULT));
  }

  private static void assertNames(ModelException e, String op, String node) {
    assertTrue(e.getMessage().contains(op + " at node '" + node + "'"), e.getMessage());
  }

  @Test
  void aWriteFileInTheInitOpIsRefusedBeforeItRuns(@TempDir Path tmp) throws Exception {
    Path target = tmp.resolve("written.txt");
    Path dir = tmp.resolve("model");
    HostileModels.writeFileInInitOp(dir, target);
    // The crafted model is really hostile: TensorFlow's own loader writes the file.
    HostileModels.loadUnchecked(dir);
    assertTrue(Files.exists(target), "TensorFlow ran the init op");
    Files.delete(target);

    assertNames(refused(dir), "WriteFile", "init_write");
    assertFalse(Files.exists(target), "the service's loader wrote " + target);
  }

  @Test
  void aWriteFileInALibraryFunctionCalledByTheInitOpIsRefused(@TempDir Path tmp) throws Exception {
    Path target = tmp.resolve("written.txt");
    Path dir = tmp.resolve("model");
    HostileModels.writeFileInAFunction(dir, target);
    HostileModels.loadUnchecked(dir);
    assertTrue(Files.exists(target), "TensorFlow ran the function of the init op");
    Files.delete(target);

    ModelException.Forbidden e = refused(dir);
    assertNames(e, "WriteFile", "write");
    assertTrue(e.getMessage().contains("in function 'innocent_looking_fn'"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void aPrintV2ToAFileUrlIsRefused(@TempDir Path tmp) throws Exception {
    Path target = tmp.resolve("printed.txt");
    Path dir = tmp.resolve("model");
    HostileModels.printV2ToAFile(dir, target);
    HostileModels.loadUnchecked(dir);
    assertTrue(Files.exists(target), "TensorFlow ran the PrintV2 of the init op");
    Files.delete(target);

    assertNames(refused(dir), "PrintV2", "init_print");
    assertFalse(Files.exists(target));
  }

  @Test
  void aTfRecordDatasetIsRefused(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("model");
    HostileModels.tfRecordDataset(dir, tmp.resolve("secret.tfrecord"));
    assertNames(refused(dir), "TFRecordDataset", "records");
  }

  @Test
  void aDebugIdentityV2InTheInferenceGraphIsRefused(@TempDir Path tmp) throws Exception {
    Path dump = tmp.resolve("dump");
    Path dir = tmp.resolve("model");
    HostileModels.debugIdentityV2(dir, dump);
    assertNames(refused(dir), "DebugIdentityV2", "debug");
    assertFalse(Files.exists(dump));
  }

  @Test
  void aModelWhoseInferenceReadsAFileIsRefusedNamingTheOp(@TempDir Path tmp) throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "2.5");
    Path dir = tmp.resolve("reads_file");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input =
          tf.withName("input")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4, 4, 3)));
      Variable<TFloat32> scale = tf.withName("scale").variable(tf.constant(1f));
      Operand<TFloat32> read =
          tf.strings.toNumber(
              tf.withName("secret").io.readFile(tf.constant(secret.toString())), TFloat32.class);
      Operand<TFloat32> out = tf.withName("out").math.add(tf.math.mul(input, scale), read);
      try (Session s = new Session(g)) {
        s.initialize();
        Signature sig =
            Signature.builder()
                .key("serving_default")
                .input("input", input)
                .output("out", out)
                .build();
        SavedModelBundle.exporter(dir.toString())
            .withSession(s)
            .withFunction(SessionFunction.create(sig, s))
            .export();
      }
    }
    ModelException.Forbidden e = refused(dir);
    assertNames(e, "ReadFile", "secret");
    assertTrue(e.getMessage().contains("hostile@1"), e.getMessage());
    assertFalse(e.getMessage().contains(tmp.toString()), "no server path: " + e.getMessage());
  }

  @Test
  void aSaveV2HiddenInTheRestoreOpIsRefused(@TempDir Path tmp) throws Exception {
    // The restore op may read the checkpoint (RestoreV2); it may not write one (SaveV2), or the
    // loader would write wherever the model says when it restores.
    Path dir = tmp.resolve("model");
    HostileModels.writeFileInInitOp(dir, tmp.resolve("unused"));
    SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
    MetaGraphDef.Builder meta = saved.getMetaGraphs(0).toBuilder();
    meta.removeCollectionDef("saved_model_main_op");
    meta.getGraphDefBuilder().removeNode(indexOf(meta, "init_write"));
    String restore = meta.getSaverDef().getRestoreOpName();
    NodeDef save =
        meta.getGraphDef().getNodeList().stream()
            .filter(n -> n.getOp().equals("SaveV2"))
            .findFirst()
            .orElseThrow();
    for (NodeDef.Builder n : meta.getGraphDefBuilder().getNodeBuilderList()) {
      if (n.getName().equals(restore)) {
        n.addInput("^" + save.getName());
      }
    }
    Files.write(
        dir.resolve("saved_model.pb"),
        saved.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
    assertNames(refused(dir), "SaveV2", save.getName());
  }

  private static int indexOf(MetaGraphDef.Builder meta, String node) {
    List<NodeDef> nodes = meta.getGraphDef().getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).getName().equals(node)) {
        return i;
      }
    }
    throw new AssertionError(node);
  }

  @Test
  void theSharedModelsAndTheBuiltInModelPassTheCheck() throws Exception {
    // Their save and restore machinery included; KerasSavedModelsTest, MnistSoftmaxTf1Test and
    // DefaultModelTest load them in full.
    for (String name : List.of("cifar10_cnn", "rtvsrgan_2x", "mnist_softmax_tf1")) {
      SavedModel saved =
          SavedModel.parseFrom(
              Files.readAllBytes(TestModels.SHARED.resolve(name).resolve("saved_model.pb")));
      for (MetaGraphDef meta : saved.getMetaGraphsList()) {
        ModelOps.check(new ModelId(name, 1), meta);
      }
    }
    PreparedModel tiny = TestModels.tinyCnn();
    ModelOps.checkPrepared(tiny.id(), tiny.graph());
  }

  @Test
  void theListsHoldNoOpThatReachesFilesOrTheNetwork() {
    for (String op :
        List.of(
            "ReadFile",
            "WriteFile",
            "PrintV2",
            "Print",
            "DebugIdentity",
            "DebugIdentityV2",
            "DebugNanCount",
            "DebugNumericSummary",
            "TFRecordDataset",
            "FixedLengthRecordDataset",
            "TextLineDataset",
            "CSVDataset",
            "SqlDataset",
            "DatasetToTFRecord",
            "CacheDataset",
            "CreateSummaryDbWriter",
            "LoadAndRemapMatrix",
            "GenerateVocabRemapping",
            "DecodeProtoV2",
            "PyFunc",
            "EagerPyFunc",
            "MatchingFiles",
            "ImmutableConst")) {
      assertFalse(ModelOps.inference(op), op);
      assertFalse(ModelOps.VARIABLES.contains(op), op);
    }
  }
}
