package dev.parley.server;

/**
 * How much the daemon keeps in memory for speed, besides what each session holds.
 *
 * @param tailMessages most messages each room keeps in memory (older ones are read from the store)
 * @param tailBytes most bytes of messages each room keeps in memory (at least one message stays)
 * @param logQueueBytes most bytes of conversation-log lines waiting for the disk; beyond, lines are dropped
 */
public record MemoryLimits(int tailMessages, long tailBytes, long logQueueBytes) {

  /** 1000 messages and 1 MiB a room, 16 MiB of log lines. */
  public static MemoryLimits defaults() {
    return new MemoryLimits(1000, 1L << 20, 16L << 20);
  }

  public MemoryLimits {
    if (tailMessages < 1 || tailBytes < 0 || logQueueBytes < 0) {
      throw new IllegalArgumentException("the tail keeps at least one message, and no limit is negative");
    }
  }
}
