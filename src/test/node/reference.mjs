// Reference probabilities for NsfwjsAgreementTest, computed by nsfwjs' own code: its bundled models,
// its preprocessing (pixels / 255) and TensorFlow.js' pure-JavaScript CPU backend.
//   cd src/test/node && npm ci && npm run reference
// The test images are defined by integer formulas that NsfwjsAgreementTest.pixels repeats exactly.
import { writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { load } from "nsfwjs";

const COMMAND = "cd src/test/node && npm ci && npm run reference";
const OUTPUT = "../resources/org/lucerna/model/tfjs/nsfwjs-reference.json";
const MODELS = { mobilenet_v2: ["MobileNetV2", 224], inception_v3: ["InceptionV3", 299] };
const IMAGES = ["solid_gray", "solid_red", "gradient", "stripes", "noise"];

/** Pixel values 0..255, row-major [size][size][3]. */
function pixels(image, size) {
  const out = new Float32Array(size * size * 3);
  let state = 20171107; // xorshift32 seed; JS bit operations are 32-bit, like Java's int
  let i = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        let v;
        switch (image) {
          case "solid_gray": v = 128; break;
          case "solid_red": v = [200, 30, 60][c]; break;
          case "gradient": v = c === 0 ? Math.floor(255 * x / (size - 1))
              : c === 1 ? Math.floor(255 * y / (size - 1)) : Math.floor(255 * (x + y) / (2 * (size - 1))); break;
          case "stripes": v = (Math.floor(x / 16) + Math.floor(y / 16)) % 2 === 0 ? [250, 220, 10][c] : [20, 40, 160][c]; break;
          case "noise":
            state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
            v = state >>> 24; break;
          default: throw new Error(image);
        }
        out[i++] = v;
      }
    }
  }
  return out;
}

await tf.setBackend("cpu");
const result = { command: COMMAND, tfjs: tf.version.tfjs, nsfwjs: "4.4.0", backend: tf.getBackend(),
  classes: ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"], models: {} };
for (const [name, [nsfwName, size]] of Object.entries(MODELS)) {
  const model = await load(nsfwName, { size });
  const images = {};
  for (const image of IMAGES) {
    const input = tf.tensor3d(pixels(image, size), [size, size, 3]);
    const probabilities = model.infer(input);
    images[image] = Array.from(await probabilities.data());
    input.dispose();
    probabilities.dispose();
  }
  result.models[name] = { size, images };
}
// Written here, not to stdout: TensorFlow.js prints a banner on stdout when it loads.
writeFileSync(OUTPUT, JSON.stringify(result, null, 2) + "\n");
