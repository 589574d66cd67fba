package org.lucerna.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Makes TensorFlow's own (C++) log follow the service's log configuration. TensorFlow reads {@code
 * TF_CPP_MIN_LOG_LEVEL} (0 info, 1 warning, 2 error, 3 fatal) and {@code TF_CPP_MAX_VLOG_LEVEL}
 * from the environment the first time it logs; this sets them, before the first model is loaded,
 * from the level of the log category {@code org.tensorflow} ({@code
 * quarkus.log.category."org.tensorflow".level}), or else the root level ({@code
 * quarkus.log.level}): TRACE gives verbose log 1, TRACE to INFO give 0, WARN 1, ERROR 2, FATAL and
 * OFF 3. A variable already in the environment wins, so an operator can still set TensorFlow's
 * level alone.
 */
@Singleton
public class TensorFlowLogLevel {
  private static final Logger LOG = Logger.getLogger(TensorFlowLogLevel.class);
  static final String MIN_LEVEL = "TF_CPP_MIN_LOG_LEVEL";
  static final String MAX_VLOG = "TF_CPP_MAX_VLOG_LEVEL";

  /** The C library's setenv: Java has no way to change its own environment. */
  interface C extends Library {
    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }

  /** The variable as TensorFlow will read it (the C environment, not Java's cached copy). */
  public static String nativeValue(String name) {
    return Native.load("c", C.class).getenv(name);
  }

  // Before every other start-up observer: the built-in model and the workers' warm-up run
  // TensorFlow.
  void apply(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
    var config = ConfigProvider.getConfig();
    String level =
        config
            .getOptionalValue("quarkus.log.category.\"org.tensorflow\".level", String.class)
            .or(() -> config.getOptionalValue("quarkus.log.level", String.class))
            .orElse("INFO");
    apply(level);
  }

  /** Sets the variables for the service's log {@code level}; what it did, for the log. */
  public static void apply(String level) {
    int min = minLevel(level);
    Optional<String> vlog = maxVlog(level);
    set(MIN_LEVEL, Integer.toString(min));
    vlog.ifPresent(v -> set(MAX_VLOG, v));
  }

  static int minLevel(String level) {
    return switch (level.trim().toUpperCase(Locale.ROOT)) {
      case "ALL", "FINEST", "FINER", "TRACE", "DEBUG", "FINE", "CONFIG", "INFO" -> 0;
      case "WARN", "WARNING" -> 1;
      case "ERROR", "SEVERE" -> 2;
      default -> 3; // FATAL, OFF
    };
  }

  static Optional<String> maxVlog(String level) {
    return switch (level.trim().toUpperCase(Locale.ROOT)) {
      case "ALL", "FINEST", "FINER", "TRACE" -> Optional.of("1");
      default -> Optional.empty();
    };
  }

  private static void set(String name, String value) {
    String present = System.getenv(name);
    if (present != null) {
      LOG.debugf("%s=%s from the environment is kept", name, present);
      return;
    }
    try {
      Native.load("c", C.class).setenv(name, value, 0);
      LOG.debugf("%s=%s for TensorFlow's log", name, value);
    } catch (LinkageError | RuntimeException e) {
      LOG.warnf(
          "cannot set %s for TensorFlow's log (%s): set it in the environment instead", name, e);
    }
  }
}
