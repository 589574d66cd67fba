package org.lucerna.job.postgres;

import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import org.lucerna.job.JobsConfig;

/**
 * The shared store's settings as the service reads them ({@link StoreConfig} with the jobs' time
 * limit), and this instance's name in leases. Unremovable: it is what registers the {@code
 * lucerna.store.*} keys, which must be known even while {@code lucerna.data.store} is {@code file}.
 */
@Singleton
@Unremovable
public class StoreSettings {
  private final StoreConfig store;
  private final QueueSettings queue;
  private final String instanceId;
  private final Duration retention;

  public StoreSettings(StoreConfig store, JobsConfig jobs) {
    this.store = store;
    this.retention = jobs.data().retention();
    this.queue = store.queueSettings(jobs.jobs().timeLimit(), jobs.jobs().maxAttempts());
    this.instanceId = store.instanceId().orElseGet(StoreSettings::hostAndStart);
  }

  public StoreConfig config() {
    return store;
  }

  /**
   * {@code lucerna.data.retention}: one key for every store; the shared store deletes finished jobs
   * past it in one statement.
   */
  public Duration retention() {
    return retention;
  }

  public QueueSettings queue() {
    return queue;
  }

  /**
   * This instance's lease owner prefix: {@code lucerna.store.instance-id}, else host name and start
   * time.
   */
  public String instanceId() {
    return instanceId;
  }

  private static String hostAndStart() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown";
    }
    return host + "@" + Instant.now().toEpochMilli();
  }
}
