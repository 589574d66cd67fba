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

  /**
   * As {@link #feed(Session.Runner, SplittableRandom, List)} at {@code progress} through the
   * render: 0 at the first step, 1 at the last. Draws that change over the render (the crops'
   * sides) override this one.
   */
  default void feed(
      Session.Runner runner,
      SplittableRandom random,
      List<AutoCloseable> toClose,
      double progress) {
    feed(runner, random, toClose);
  }
}
