package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.PadMode;
import org.lucerna.optvis.transform.TransformSpec;
import org.lucerna.optvis.transform.Transforms;

/** Stored jobs: the start image by reference, rectangular sizes, and jobs stored before either. */
class JobJsonTest {
  private static final StartImageRef PICTURE =
      new StartImageRef(
          "2cea274d0bedc39ec4ab6ba9e59ec889e3ed6fb56a1cf088a64d9b383378dc97"); // of "picture"

  private static JobSpec spec(int height, int width, StartImageRef start) {
    return new JobSpec(
        "tiny_cnn",
        1,
        Objectives.channel("conv2", 3),
        height,
        width,
        1,
        10,
        4,
        0.05,
        List.of(),
        // The default before the quality study: the fingerprint of what was stored then.
        ParamSpec.DEFAULT.withGain(1),
        Transforms.standard(),
        FitMode.RESIZE,
        false,
        false,
        null,
        start);
  }

  @Test
  void aJobWithAStartImageReadsBackAsWrittenAndCarriesOnlyTheHash() {
    Job job =
        Job.queued(
            JobIds.next(java.time.Instant.now()),
            spec(24, 40, PICTURE),
            new Job.Submission("fp", null, null),
            java.time.Instant.now());
    byte[] json = JobJson.write(job);
    assertEquals(job, JobJson.read(json));
    String text = new String(json, StandardCharsets.UTF_8);
    assertFalse(text.contains("picture"), text);
    assertEquals(1, text.split(PICTURE.sha256(), -1).length - 1, text);
  }

  @Test
  void aJobStoredWithOneSizeReadsAsSquare() throws Exception {
    Job job =
        Job.queued(
            JobIds.next(java.time.Instant.now()),
            spec(48, 48, null),
            new Job.Submission("fp", null, null),
            java.time.Instant.now());
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode tree = (ObjectNode) mapper.readTree(JobJson.write(job));
    ObjectNode stored = (ObjectNode) tree.get("spec");
    stored.remove(List.of("height", "width", "startImage"));
    stored.put("size", 48);
    Job read = JobJson.read(mapper.writeValueAsBytes(tree));
    assertEquals(48, read.spec().height());
    assertEquals(48, read.spec().width());
    assertNull(read.spec().startImage());
  }

  @Test
  void theFingerprintTellsSidesAndPicturesApart() {
    String plain = JobJson.fingerprint(spec(24, 40, null));
    assertEquals(plain, JobJson.fingerprint(spec(24, 40, null)));
    assertNotEquals(plain, JobJson.fingerprint(spec(40, 24, null)));
    assertNotEquals(plain, JobJson.fingerprint(spec(24, 40, PICTURE)));
    assertNotEquals(
        JobJson.fingerprint(spec(24, 40, PICTURE)),
        JobJson.fingerprint(
            spec(
                24,
                40,
                new StartImageRef(
                    "4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a"))));
  }

  /** Jobs stored by earlier versions read back, and the same request keeps its fingerprint. */
  @Test
  void theStoredFormAndTheFingerprintAreTheEarlierOnes() {
    List<TransformSpec> listed =
        List.of(
            Transforms.pad(3, PadMode.REFLECT),
            Transforms.jitter(2),
            Transforms.scale(0.5, 2),
            Transforms.rotate(-45, 90.5));
    JobSpec pixel =
        new JobSpec(
            "tiny_cnn",
            1,
            Objectives.channel("conv2", 3),
            24,
            40,
            1,
            10,
            4,
            0.05,
            List.of(),
            ParamSpec.pixel(true, ParamSpec.Squash.SIGMOID),
            listed,
            FitMode.RESIZE,
            false,
            false,
            null,
            null);
    String stored =
        "{\"id\":\"j1\",\"spec\":{\"model\":\"tiny_cnn\",\"version\":1,\"objective\":{\"terms\":[{\"kind\":\"channel\",\"layer\":\"conv2\",\"channel\":3,\"weight\":1.0}]},\"height\":24,\"width\":40,\"batch\":1,\"steps\":10,\"seed\":4,\"learningRate\":0.05,\"snapshots\":[],\"param\":{\"kind\":\"PIXEL\",\"decay\":1.0,\"decorrelate\":true,\"squash\":\"SIGMOID\",\"gain\":1.0},\"transforms\":[{\"type\":\"pad\",\"width\":3,\"mode\":\"reflect\",\"value\":0.5},{\"type\":\"jitter\",\"pixels\":2},{\"type\":\"scale\",\"factors\":[0.5,2.0]},{\"type\":\"rotate\",\"degrees\":[-45.0,90.5]}],\"fit\":\"RESIZE\",\"normalizeGradient\":false,\"redirectedRelu\":false,\"input\":null,\"startImage\":null},\"status\":\"QUEUED\",\"progress\":{\"step\":0,\"totalSteps\":10,\"objective\":null,\"stepsPerSecond\":null,\"snapshots\":[]},\"times\":{\"created\":\"1970-01-01T00:00:00Z\",\"started\":null,\"finished\":null},\"error\":null,\"cancelRequested\":false,\"submission\":{\"fingerprint\":\"fp\",\"idempotencyKey\":null,\"reusedFrom\":null},\"version\":0}";
    Job job =
        Job.queued("j1", pixel, new Job.Submission("fp", null, null), java.time.Instant.EPOCH);
    // Written with its attempts now; a job stored before attempts were counted reads with 0. An
    // empty curve is left out, so one stored before curves were recorded writes back as it was.
    assertEquals(
        stored.replace("\"version\":0}", "\"attempts\":0,\"version\":0}"),
        new String(JobJson.write(job), StandardCharsets.UTF_8));
    assertEquals(job, JobJson.read(stored.getBytes(StandardCharsets.UTF_8)));
    Job started = job.moveTo(JobStatus.RUNNING, java.time.Instant.EPOCH, null);
    assertEquals(1, started.attempts());
    assertEquals(started, JobJson.read(JobJson.write(started)));
    Job halfway =
        started.withProgress(
            new Progress(
                2,
                10,
                0.5,
                3.0,
                List.of(),
                List.of(new CurvePoint(1, 0.25), new CurvePoint(2, 0.5))));
    String written = new String(JobJson.write(halfway), StandardCharsets.UTF_8);
    assertTrue(written.contains("\"curve\":[[1,0.25],[2,0.5]]"), written);
    assertEquals(halfway, JobJson.read(JobJson.write(halfway)));
    assertEquals(
        "02a778798b97910a1cccb78a54fbc4edcecc708d16dd04c0ebb796053f4f9eb9",
        JobJson.fingerprint(pixel));
    assertEquals(
        "d3c426694730d1851a9c81655c0a3dad0e3e0d18309577fd56a62e201f7b309a",
        JobJson.fingerprint(spec(24, 40, null)));
  }
}
