package org.lucerna.optvis;

import java.util.Locale;

/** A device a plan is placed on: the CPU, or one GPU by index. */
public record Device(Kind kind, int index) {

  public enum Kind {
    CPU,
    GPU
  }

  public static final Device CPU = new Device(Kind.CPU, 0);

  public Device {
    if (index < 0) {
      throw new IllegalArgumentException("device index must be at least 0, got " + index);
    }
  }

  /** Parses the configuration form: {@code cpu}, {@code gpu:0}, {@code gpu:1}, ... */
  public static Device parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("cpu") || t.equals("cpu:0")) {
      return CPU;
    }
    if (t.matches("gpu:\\d{1,3}")) {
      return new Device(Kind.GPU, Integer.parseInt(t.substring(4)));
    }
    throw new IllegalArgumentException("device '" + text + "' is neither 'cpu' nor 'gpu:N'");
  }

  /** TensorFlow's name for it, as used for op placement. */
  public String tensorflowName() {
    return "/device:" + kind + ":" + index;
  }

  @Override
  public String toString() {
    return kind == Kind.CPU ? "cpu" : "gpu:" + index;
  }
}
