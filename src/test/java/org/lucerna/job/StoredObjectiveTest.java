package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job stored before objectives were bound by Jackson, with one term of every kind: it reads back,
 * writes back byte for byte, and keeps its fingerprint and description.
 */
class StoredObjectiveTest {

  @Test
  void aJobWithEveryKindOfTermReadsAndWritesBackAsStored() throws Exception {
    byte[] stored;
    try (InputStream in = getClass().getResourceAsStream("stored-job-every-term.json")) {
      stored = in.readAllBytes();
    }
    Job job = JobJson.read(stored);
    ObjectMapper json = new ObjectMapper();
    Map<?, ?> written = json.readValue(JobJson.write(job), Map.class);
    // Jobs count their attempts since they were stored; one stored before reads 0.
    assertEquals(0, written.remove("attempts"));
    assertEquals(json.readValue(stored, Map.class), written);
    assertEquals(
        new String(stored, StandardCharsets.UTF_8).replace(",\"attempts\":0", ""),
        new String(JobJson.write(job), StandardCharsets.UTF_8).replace(",\"attempts\":0", ""));
    // Written by the earlier code for this spec: equal requests must still find the earlier jobs.
    assertEquals(
        "bdb47988d5ae603de9f516167c3e725f7d0cc28c754945b64f18a07536b8311c",
        JobJson.fingerprint(job.spec()));
    assertEquals(
        "Channel[conv2, 3] + 0.500000 × Neuron[conv2, 1 at 2,3] + Neuron[conv1, 4]"
            + " + Direction[conv1, 3 values, cossim^1.50000] + WeightedChannels[conv1, 2×2] + DeepDream[conv1]"
            + " + ClassLogit[dense, 7] − 100 × Diversity[conv2] @batch 1 + Alignment[conv2, decay 2]"
            + " − 0.0100000 × L1[0.500000] − L2[0] − 0.00100000 × TotalVariation − Blur + 3.50000",
        job.spec().objective().describe());
  }
}
