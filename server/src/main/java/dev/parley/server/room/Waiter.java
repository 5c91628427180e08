package dev.parley.server.room;

import java.util.concurrent.locks.LockSupport;

/**
 * A pending {@code check}, parked outside its room's lock until the writer has stored something for
 * the room (or the session ended, or the engine stops). Waking one is an unpark: nothing of the
 * waiter's own work runs on the waking thread.
 */
final class Waiter {
  private final Thread thread = Thread.currentThread();
  private volatile boolean woken;

  void wake() {
    woken = true;
    LockSupport.unpark(thread);
  }

  /** Parks until woken or until {@code deadline} ({@link System#nanoTime()}) passes. */
  void await(long deadline) {
    while (!woken) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return;
      }
      LockSupport.parkNanos(this, left);
    }
  }
}
