package dev.parley.server;

import dev.parley.extension.ExtensionContext;

/**
 * How much the daemon keeps in memory for speed, besides what each session holds.
 *
 * @param tailMessages most messages each room keeps in memory (older ones are read from the store)
 * @param tailBytes most bytes of messages each room keeps in memory (at least one message stays)
 * @param logQueueBytes most bytes of conversation-log lines waiting for the disk; beyond, lines are
 *     dropped
 * @param observerQueueBytes most bytes of frames waiting for one observer; beyond, it is
 *     disconnected
 */
public record MemoryLimits(
    int tailMessages, long tailBytes, long logQueueBytes, long observerQueueBytes) {

  /** 1000 messages and 1 MiB a room, 16 MiB of log lines, 8 MiB of frames an observer. */
  public static MemoryLimits defaults() {
    return new MemoryLimits(
        1000, 1L << 20, 16L << 20, ExtensionContext.DEFAULT_OBSERVER_QUEUE_BYTES);
  }

  public MemoryLimits {
    if (tailMessages < 1 || tailBytes < 0 || logQueueBytes < 0 || observerQueueBytes < 1) {
      throw new IllegalArgumentException(
          "the tail keeps at least one message, an observer's queue at least a byte, and no limit is negative");
    }
  }
}
