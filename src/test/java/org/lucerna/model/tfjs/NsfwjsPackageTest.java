package org.lucerna.model.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package conversion on a package made here in nsfwjs' layout (browserify-style modules whose
 * exports are the model.json literal and base64 shards), so it runs without npm.
 */
class NsfwjsPackageTest {
  @TempDir Path tmp;

  @Test
  void minifiedLiteralsBecomeJson() throws Exception {
    String js =
        "x={a:!0,b:!1,c:-.5,d:.25,e:\"x:y\\\"z{\",f:[1e-3,null,-2],g:16788238754359384e-30,h:{}};";
    JsonNode n = TfjsFixture.JSON.readTree(JsLiteral.toJson(js, js.indexOf('{')));
    assertEquals(
        "{\"a\":true,\"b\":false,\"c\":-0.5,\"d\":0.25,\"e\":\"x:y\\\"z{\",\"f\":[0.001,null,-2],"
            + "\"g\":1.6788238754359384E-14,\"h\":{}}",
        n.toString());
    assertThrows(MalformedModelException.class, () -> JsLiteral.toJson("{a:foo()}", 0));
  }

  @Test
  void aWrappedModelInATarballImportsLikeThePlainOne() throws Exception {
    TfjsFixture f = TfjsFixture.functional(21, 4, 4, 3);
    f.layer(
        "Conv2D",
        "conv",
        TfjsFixture.cfg(
            "filters",
            2,
            "kernel_size",
            java.util.List.of(3, 3),
            "strides",
            java.util.List.of(1, 1),
            "padding",
            "same",
            "use_bias",
            true,
            "activation",
            "relu"),
        "input_1");
    f.outputs("conv");
    f.weight("conv/kernel", 3, 3, 3, 2);
    f.weight("conv/bias", 2);
    Path plain = f.write(tmp.resolve("plain"), "uint8");
    // model.json -> the literal a bundler writes: bare keys, !0/!1, no leading zeros
    String literal =
        TfjsFixture.JSON
            .readTree(plain.resolve("model.json").toFile())
            .toString()
            .replaceAll("\"([A-Za-z_][A-Za-z0-9_]*)\":", "$1:")
            .replace("true", "!0")
            .replace("false", "!1")
            .replaceAll("([:,\\[])(-?)0\\.", "$1$2.")
            .replace("group1-shard1of1.bin", "group1-shard1of1");
    byte[] shard = Files.readAllBytes(plain.resolve("group1-shard1of1.bin"));
    Path tgz = tmp.resolve("nsfwjs-4.4.0.tgz");
    try (OutputStream out = Files.newOutputStream(tgz);
        TarArchiveOutputStream tar =
            new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      add(tar, "package/package.json", "{\"name\":\"nsfwjs\"}");
      add(tar, NsfwjsPackage.MODELS + "tiny/model.min.js", module("a", literal));
      add(
          tar,
          NsfwjsPackage.MODELS + "tiny/group1-shard1of1.min.js",
          module("d", "\"" + Base64.getEncoder().encodeToString(shard) + "\""));
    }

    Path wrapped = NsfwjsPackage.unpackModels(tgz, tmp.resolve("wrapped"));
    NsfwjsPackage.unwrap(wrapped.resolve("tiny"), tmp.resolve("unwrapped"));
    assertArrayEquals(shard, Files.readAllBytes(tmp.resolve("unwrapped/group1-shard1of1")));

    float[] x = new float[48];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7) / 7f;
    }
    float[] expected =
        ImportedModels.run(
            ImportedModels.importAndLoad(plain, tmp.resolve("repo/a/1")), "conv", x, 1, 4, 4, 3);
    float[] actual =
        ImportedModels.run(
            ImportedModels.importAndLoad(tmp.resolve("unwrapped"), tmp.resolve("repo/b/1")),
            "conv",
            x,
            1,
            4,
            4,
            3);
    assertArrayEquals(expected, actual);
  }

  /** A browserify standalone bundle whose module 1 exports {@code value}, as nsfwjs ships them. */
  private static String module(String v, String value) {
    return "!function("
        + v
        + "){if(\"object\"==typeof exports&&\"undefined\"!=typeof module)module.exports="
        + v
        + "();else{(\"undefined\"!=typeof window?window:this).model="
        + v
        + "()}}(function(){return function "
        + v
        + "(n,i,e){return n}({1:[function(a,n,i){n.exports="
        + value
        + "},{}]},{},[1])(1)});";
  }

  private static void add(TarArchiveOutputStream tar, String name, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }
}
