package dev.parley.viewer.replay;

import java.time.Duration;

/** Waits between replayed lines; tests give a clock they control instead of real time. */
@FunctionalInterface
public interface Sleeper {
  /** Real time. */
  Sleeper REAL = duration -> Thread.sleep(duration);

  /** Waits {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;
}
