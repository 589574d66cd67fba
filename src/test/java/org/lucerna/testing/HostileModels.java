package org.lucerna.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TFloat32;

/**
 * Real SavedModels, written by TensorFlow Java, that do something a model must not: each is a small
 * working model (input × a variable) plus one hostile op. Loading them with {@link
 * SavedModelBundle#load} does what the op does; the service must refuse them before that.
 */
public final class HostileModels {
  private HostileModels() {}

  /** Where the model's init op calls {@code WriteFile}: the loader would write {@code target}. */
  public static void writeFileInInitOp(Path dir, Path target) throws IOException {
    write(
        dir,
        (g, tf) ->
            tf.withName("init_write")
                .io
                .writeFile(tf.constant(target.toString()), tf.constant("written by a model")),
        "init_write");
  }

  /**
   * Where the init op calls a library function whose body calls {@code WriteFile}: the function
   * library is checked too.
   */
  public static void writeFileInAFunction(Path dir, Path target) throws IOException {
    write(dir, (g, tf) -> {}, null);
    SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
    FunctionDef fn =
        FunctionDef.newBuilder()
            .setSignature(
                OpDef.newBuilder()
                    .setName("innocent_looking_fn")
                    .setIsStateful(true)
                    .addControlOutput("write"))
            .addNodeDef(stringConst("path", target.toString()))
            .addNodeDef(stringConst("contents", "written by a model's function"))
            .addNodeDef(
                NodeDef.newBuilder()
                    .setName("write")
                    .setOp("WriteFile")
                    .addInput("path:output:0")
                    .addInput("contents:output:0"))
            .putControlRet("write", "write")
            .build();
    NodeDef call =
        NodeDef.newBuilder()
            .setName("init_call")
            .setOp("StatefulPartitionedCall")
            .putAttr(
                "f",
                AttrValue.newBuilder()
                    .setFunc(NameAttrList.newBuilder().setName("innocent_looking_fn"))
                    .build())
            .putAttr(
                "Tin", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()).build())
            .putAttr(
                "Tout", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()).build())
            .build();
    MetaGraphDef.Builder meta = saved.getMetaGraphs(0).toBuilder();
    meta.getGraphDefBuilder().addNode(call).getLibraryBuilder().addFunction(fn);
    setInitOp(meta, "init_call");
    Files.write(
        dir.resolve("saved_model.pb"),
        saved.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
  }

  /** Where the init op prints to a {@code file://} URL: the loader would write {@code target}. */
  public static void printV2ToAFile(Path dir, Path target) throws IOException {
    write(
        dir,
        (g, tf) ->
            g.opBuilder("PrintV2", "init_print", g.baseScope())
                .addInput(tf.constant("printed by a model").asOutput())
                .setAttr("output_stream", "file://" + target)
                .build(),
        "init_print");
  }

  /** Where the inference graph reads a TFRecord file. */
  public static void tfRecordDataset(Path dir, Path source) throws IOException {
    write(
        dir,
        (g, tf) ->
            g.opBuilder("TFRecordDataset", "records", g.baseScope())
                .addInput(tf.constant(source.toString()).asOutput())
                .addInput(tf.constant("").asOutput())
                .addInput(tf.constant(1024L).asOutput())
                .build(),
        "records");
  }

  /** Where the output passes through a {@code DebugIdentityV2} that dumps it under {@code dump}. */
  public static void debugIdentityV2(Path dir, Path dump) throws IOException {
    build(
        dir,
        (g, tf, out) ->
            g.opBuilder("DebugIdentityV2", "debug", g.baseScope())
                .addInput(out.asOutput())
                .setAttr("debug_urls", new String[] {"file://" + dump})
                .setAttr("tfdbg_run_id", "1")
                .build()
                .output(0),
        null);
  }

  private interface Extra {
    Operand<TFloat32> wrap(Graph g, Ops tf, Operand<TFloat32> out);
  }

  /** A working model plus {@code extra} nodes beside it; {@code initOp} names the init op. */
  private static void write(Path dir, BiConsumer<Graph, Ops> extra, String initOp)
      throws IOException {
    build(
        dir,
        (g, tf, out) -> {
          extra.accept(g, tf);
          return out;
        },
        initOp);
  }

  private static void build(Path dir, Extra extra, String initOp) throws IOException {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> input =
          tf.withName("input")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
      Variable<TFloat32> scale = tf.withName("scale").variable(tf.constant(2f));
      Operand<TFloat32> out =
          tf.withName("out").identity(extra.wrap(g, tf, tf.math.mul(input, scale)));
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
    if (initOp != null) {
      SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
      MetaGraphDef.Builder meta = saved.getMetaGraphs(0).toBuilder();
      setInitOp(meta, initOp);
      Files.write(
          dir.resolve("saved_model.pb"),
          saved.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
    }
  }

  /** Takes the init op out again: a plain model, as exported. */
  public static void clearInitOp(Path dir) throws IOException {
    SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
    MetaGraphDef.Builder meta = saved.getMetaGraphs(0).toBuilder();
    meta.removeCollectionDef("saved_model_main_op");
    Files.write(
        dir.resolve("saved_model.pb"),
        saved.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
  }

  /** TensorFlow's loader runs the op of this collection once it has restored the variables. */
  private static void setInitOp(MetaGraphDef.Builder meta, String op) {
    meta.putCollectionDef(
        "saved_model_main_op",
        CollectionDef.newBuilder()
            .setNodeList(CollectionDef.NodeList.newBuilder().addValue(op))
            .build());
  }

  private static NodeDef stringConst(String name, String value) {
    return NodeDef.newBuilder()
        .setName(name)
        .setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_STRING).build())
        .putAttr(
            "value",
            AttrValue.newBuilder()
                .setTensor(
                    TensorProto.newBuilder()
                        .setDtype(DataType.DT_STRING)
                        .addStringVal(com.google.protobuf.ByteString.copyFromUtf8(value)))
                .build())
        .build();
  }

  /** Loads {@code dir} the way TensorFlow does, nothing checked: what the service must not do. */
  public static void loadUnchecked(Path dir) {
    try (SavedModelBundle b = SavedModelBundle.loader(dir.toString()).withTags("serve").load()) {
      GraphOperation unused = (GraphOperation) b.graph().operation("out");
    }
  }
}
