package dev.parley.extension;

import java.util.List;

/**
 * Who of a room's participants has been delivered one of its messages, by the rule of the
 * protocol's {@code receipts}; whoever caused the message is in neither list.
 *
 * @param seq the message's sequence number
 * @param seenBy the participants it was delivered to, in the order of the participants list
 * @param notSeenBy the others, in the same order
 */
public record MessageSeen(long seq, List<String> seenBy, List<String> notSeenBy) {

  /** The most messages one question about a range is answered for: the newest of the range. */
  public static final int MOST = 500;

  /** Copies the lists. */
  public MessageSeen {
    seenBy = List.copyOf(seenBy);
    notSeenBy = List.copyOf(notSeenBy);
  }
}
