package org.lucerna.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.tensorflow.types.TFloat32;

class ForbiddenOpsTest {

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
          tf.strings.toNumber(tf.io.readFile(tf.constant(secret.toString())), TFloat32.class);
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
    ModelException.Forbidden e =
        assertThrows(
            ModelException.Forbidden.class,
            () ->
                SavedModelLoader.load(
                    dir, new ModelId("reads_file", 1), LoadOptions.DEFAULT, ModelMetadata.DEFAULT));
    assertTrue(e.getMessage().contains("[ReadFile]"), e.getMessage());
  }

  @Test
  void aSavedModelsOwnSaveAndRestoreOpsDoNotCountAgainstIt() {
    // Every SavedModel carries SaveV2/RestoreV2 for its checkpoint; they are pruned before the
    // check.
    PreparedModel tiny = org.lucerna.testing.TestModels.tinyCnn();
    assertTrue(
        tiny.graph().getNodeList().stream().noneMatch(n -> ForbiddenOps.forbidden(n.getOp())));
  }

  @Test
  void theListCoversFilePythonAndReaderOpsByName() {
    for (String op :
        new String[] {
          "ReadFile",
          "WriteFile",
          "SaveV2",
          "RestoreV2",
          "PyFunc",
          "EagerPyFunc",
          "TFRecordReaderV2",
          "MatchingFiles",
          "ImmutableConst",
          "ShardedFilename"
        }) {
      assertTrue(ForbiddenOps.forbidden(op), op);
    }
    for (String op : new String[] {"Conv2D", "Relu", "Const", "Placeholder", "Identity", "Copy"}) {
      assertFalse(ForbiddenOps.forbidden(op), op);
    }
  }
}
