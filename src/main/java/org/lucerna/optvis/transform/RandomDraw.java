package org.lucerna.optvis.transform;

import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Session;

/** Feeds one random transform's placeholder for one step. */
public interface RandomDraw {
  /**
   * Draws from {@code random} and feeds the result; the tensors created go into {@code toClose}.
   */
  void feed(Session.Runner runner, SplittableRandom random, List<AutoCloseable> toClose);
}
