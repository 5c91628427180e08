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
 * @param socketQueueBytes most bytes of frames waiting for one socket of {@code /rpc/ws}; beyond,
 *     it is closed and what was not written stays undelivered
 */
public record MemoryLimits(
    int tailMessages,
    long tailBytes,
    long logQueueBytes,
    long observerQueueBytes,
    long socketQueueBytes) {

  /** The default of {@link #socketQueueBytes}: 1 MiB. */
  public static final long DEFAULT_SOCKET_QUEUE_BYTES = 1L << 20;

  /**
   * 1000 messages and 1 MiB a room, 16 MiB of log lines, 8 MiB of frames an observer, 1 MiB a
   * socket.
   */
  public static MemoryLimits defaults() {
    return new MemoryLimits(
        1000,
        1L << 20,
        16L << 20,
        ExtensionContext.DEFAULT_OBSERVER_QUEUE_BYTES,
        DEFAULT_SOCKET_QUEUE_BYTES);
  }

  /** As the canonical constructor, with the default queue of a socket. */
  public MemoryLimits(
      int tailMessages, long tailBytes, long logQueueBytes, long observerQueueBytes) {
    this(tailMessages, tailBytes, logQueueBytes, observerQueueBytes, DEFAULT_SOCKET_QUEUE_BYTES);
  }

  public MemoryLimits {
    if (tailMessages < 1
        || tailBytes < 0
        || logQueueBytes < 0
        || observerQueueBytes < 1
        || socketQueueBytes < 1) {
      throw new IllegalArgumentException(
          "the tail keeps at least one message, an observer's or a socket's queue at least a byte,"
              + " and no limit is negative");
    }
  }

  /** The same with {@code bytes} for a socket's queue. */
  public MemoryLimits withSocketQueueBytes(long bytes) {
    return new MemoryLimits(tailMessages, tailBytes, logQueueBytes, observerQueueBytes, bytes);
  }
}
