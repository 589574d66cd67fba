package org.lucerna.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sweep as stored. It never changes after it is made: where it stands is read from its batch
 * jobs, which are ordinary jobs, so the queue, the workers and their limits govern a sweep as they
 * govern any job, and cancel and restart work as for any job.
 *
 * @param recipe the hash of everything of the render but the channel (see {@link SweepService})
 * @param batches the jobs that render the channels no earlier render had, in channel order
 * @param reused the channels served from an earlier render, each with where it came from ({@code
 *     job:<id>} or {@code sweep:<id>}); their images are copied under this sweep's id
 */
public record Sweep(
    String id,
    SweepSpec spec,
    String recipe,
    List<Batch> batches,
    Map<Integer, String> reused,
    Instant created) {

  public Sweep {
    batches = List.copyOf(batches);
    reused = new TreeMap<>(reused);
  }

  /** One batch job, and the channel each of its images renders (image k: {@code channels[k]}). */
  public record Batch(String job, List<Integer> channels) {
    public Batch {
      channels = List.copyOf(channels);
    }
  }

  /** The name of a reused channel's image under the sweep's id. */
  static String channelImage(int channel) {
    return "channel-" + channel;
  }
}
