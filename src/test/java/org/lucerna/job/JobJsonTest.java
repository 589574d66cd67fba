package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.Objectives;
import org.lucerna.optvis.param.ParamSpec;
import org.lucerna.optvis.transform.FitMode;
import org.lucerna.optvis.transform.Transforms;

/** Stored jobs: the start image by reference, rectangular sizes, and jobs stored before either. */
class JobJsonTest {
  private static final StartImageRef PICTURE = StartImageRef.of("picture".getBytes(StandardCharsets.UTF_8));

  private static JobSpec spec(int height, int width, StartImageRef start) {
    return new JobSpec("tiny_cnn", 1, Objectives.channel("conv2", 3), height, width, 1, 10, 4, 0.05, List.of(),
        ParamSpec.DEFAULT, Transforms.standard(), FitMode.RESIZE, false, false, null, start);
  }

  @Test
  void aJobWithAStartImageReadsBackAsWrittenAndCarriesOnlyTheHash() {
    Job job = Job.queued(JobIds.next(java.time.Instant.now()), spec(24, 40, PICTURE),
        new Job.Submission("fp", null, null), java.time.Instant.now());
    byte[] json = JobJson.write(job);
    assertEquals(job, JobJson.read(json));
    String text = new String(json, StandardCharsets.UTF_8);
    assertFalse(text.contains("picture"), text);
    assertEquals(1, text.split(PICTURE.sha256(), -1).length - 1, text);
  }

  @Test
  void aJobStoredWithOneSizeReadsAsSquare() throws Exception {
    Job job = Job.queued(JobIds.next(java.time.Instant.now()), spec(48, 48, null),
        new Job.Submission("fp", null, null), java.time.Instant.now());
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
    assertNotEquals(JobJson.fingerprint(spec(24, 40, PICTURE)),
        JobJson.fingerprint(spec(24, 40, StartImageRef.of(new byte[] {1}))));
  }
}
