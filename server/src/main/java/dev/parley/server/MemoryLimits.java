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
 * @param timelineBytes most bytes of each room's timeline journal (what each participant was
 *     delivered and did with its draft and pushes, for {@code timeline}); its oldest entries go
 *     beyond. Kept in memory only, lost on restart
 * @param seenEntries most deliveries each session remembers the time of, for {@code receipts};
 *     older ones are known to have happened, not when
 * @param seenBytes most bytes those take in each session (24 an entry): the smaller bound holds
 */
public record MemoryLimits(
    int tailMessages,
    long tailBytes,
    long logQueueBytes,
    long observerQueueBytes,
    long socketQueueBytes,
    long timelineBytes,
    int seenEntries,
    long seenBytes) {

  /** The default of {@link #socketQueueBytes}: 1 MiB. */
  public static final long DEFAULT_SOCKET_QUEUE_BYTES = 1L << 20;

  /** The default of {@link #timelineBytes}: 256 KiB a room. */
  public static final long DEFAULT_TIMELINE_BYTES = 256L << 10;

  /** The default of {@link #seenEntries}: 256 deliveries a session. */
  public static final int DEFAULT_SEEN_ENTRIES = 256;

  /** The default of {@link #seenBytes}: 8 KiB a session. */
  public static final long DEFAULT_SEEN_BYTES = 8L << 10;

  /**
   * 1000 messages and 1 MiB a room, 16 MiB of log lines, 8 MiB of frames an observer, 1 MiB a
   * socket, 256 KiB of timeline a room, 256 deliveries (8 KiB) a session.
   */
  public static MemoryLimits defaults() {
    return new MemoryLimits(
        1000,
        1L << 20,
        16L << 20,
        ExtensionContext.DEFAULT_OBSERVER_QUEUE_BYTES,
        DEFAULT_SOCKET_QUEUE_BYTES);
  }

  /** As the canonical constructor, with the default queue of a socket and journals. */
  public MemoryLimits(
      int tailMessages, long tailBytes, long logQueueBytes, long observerQueueBytes) {
    this(tailMessages, tailBytes, logQueueBytes, observerQueueBytes, DEFAULT_SOCKET_QUEUE_BYTES);
  }

  /** As the canonical constructor, with the default journals. */
  public MemoryLimits(
      int tailMessages,
      long tailBytes,
      long logQueueBytes,
      long observerQueueBytes,
      long socketQueueBytes) {
    this(
        tailMessages,
        tailBytes,
        logQueueBytes,
        observerQueueBytes,
        socketQueueBytes,
        DEFAULT_TIMELINE_BYTES,
        DEFAULT_SEEN_ENTRIES,
        DEFAULT_SEEN_BYTES);
  }

  public MemoryLimits {
    if (tailMessages < 1
        || tailBytes < 0
        || logQueueBytes < 0
        || observerQueueBytes < 1
        || socketQueueBytes < 1
        || timelineBytes < 0
        || seenEntries < 1
        || seenBytes < 0) {
      throw new IllegalArgumentException(
          "the tail keeps at least one message, an observer's or a socket's queue at least a byte,"
              + " a session at least one delivery's time, and no limit is negative");
    }
  }

  /** The same with {@code bytes} for a socket's queue. */
  public MemoryLimits withSocketQueueBytes(long bytes) {
    return new MemoryLimits(
        tailMessages,
        tailBytes,
        logQueueBytes,
        observerQueueBytes,
        bytes,
        timelineBytes,
        seenEntries,
        seenBytes);
  }
}
