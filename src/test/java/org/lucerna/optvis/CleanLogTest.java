package org.lucerna.optvis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.lucerna.testing.TestModels;

/**
 * TensorFlow's own log, read from a child JVM's output (TensorFlow writes it to the process's
 * stderr, out of reach of Java's logging): building and running a plan on InceptionV3, whose batch
 * norms once made Grappler log about 200 errors per plan, logs no E line; and TensorFlow's level
 * follows the service's level.
 */
class CleanLogTest {
  /** TensorFlow's C++ log lines: severity letter, then MMDD. */
  private static final Pattern TF_LINE = Pattern.compile("^([IWEF])\\d{4} ", Pattern.MULTILINE);

  @Test
  void aPlanOnInceptionLogsNoError() throws Exception {
    TestModels.installZoo();
    String out = probe("INFO", TestModels.ROOT.toString(), "inception_v3", "mixed4", "128");
    List<String> errors = lines(out, "E");
    assertEquals(List.of(), errors, "TensorFlow's E lines while a plan was built and run");
  }

  @Test
  void tensorFlowsLevelFollowsTheServiceLevel() throws Exception {
    // What TensorFlow reads when it first logs: the C environment of the process. (Its one I line
    // here, an MLIR notice written through absl's logging, ignores the variable, so the lines
    // themselves cannot tell the levels apart.)
    String info = probe("INFO", "-", "tiny_cnn", "conv3", "32");
    String error = probe("ERROR", "-", "tiny_cnn", "conv3", "32");
    assertTrue(info.contains("probe TF_CPP_MIN_LOG_LEVEL=0"), info);
    assertTrue(error.contains("probe TF_CPP_MIN_LOG_LEVEL=2"), error);
    assertEquals(List.of(), lines(error, "W"), "no W line at ERROR");
  }

  private static List<String> lines(String out, String severity) {
    List<String> found = new ArrayList<>();
    for (String line : out.split("\n")) {
      var m = TF_LINE.matcher(line);
      if (m.find() && m.group(1).equals(severity)) {
        found.add(line);
      }
    }
    return found;
  }

  private static String probe(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PlanLogProbe.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    pb.environment().remove("TF_CPP_MAX_VLOG_LEVEL");
    Process p = pb.start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the probe ends");
    String out = new String(bytes, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("probe rendered"), out);
    return out;
  }
}
