package dev.parley.server.room;

/**
 * A monotonic clock in nanoseconds, for idleness, floor holds and rate limits. The engine takes one
 * beside its wall {@link java.time.Clock}, so that tests can move time by hand.
 */
@FunctionalInterface
public interface Ticker {

  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** The current reading, in nanoseconds; only differences between readings mean anything. */
  long nanos();
}
