package org.lucerna.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobStatusTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  /** One test per starting state: the allowed changes work, every other one throws. */
  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void onlyTheTableSChangesAreAllowed(JobStatus from) {
    Set<JobStatus> allowed =
        switch (from) {
          case QUEUED -> EnumSet.of(JobStatus.RUNNING, JobStatus.CANCELLED, JobStatus.FAILED);
          case RUNNING ->
              EnumSet.of(
                  JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.QUEUED);
          default -> EnumSet.noneOf(JobStatus.class);
        };
    Job job = in(from);
    for (JobStatus to : JobStatus.values()) {
      if (allowed.contains(to)) {
        Job moved = job.moveTo(to, NOW.plusSeconds(5), "why");
        assertEquals(to, moved.status());
        assertEquals(to.isFinal() ? NOW.plusSeconds(5) : null, moved.times().finished());
        assertEquals(to == JobStatus.FAILED ? "why" : null, moved.error());
      } else {
        assertThrows(IllegalTransitionException.class, () -> job.moveTo(to, NOW, null));
      }
    }
  }

  private static Job in(JobStatus status) {
    Job job = JobStoreContract.job(1, "m");
    return switch (status) {
      case QUEUED -> job;
      case RUNNING -> job.moveTo(JobStatus.RUNNING, NOW, null);
      default -> job.moveTo(JobStatus.RUNNING, NOW, null).moveTo(status, NOW, "x");
    };
  }
}
