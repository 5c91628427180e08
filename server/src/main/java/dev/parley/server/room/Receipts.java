package dev.parley.server.room;

import dev.parley.api.Message;
import dev.parley.api.Receipt;
import dev.parley.extension.MessageSeen;
import dev.parley.extension.Timestamps;
import dev.parley.server.store.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The seen-receipts rule: a session saw a message when the message was delivered to it, that is,
 * when its sequence number lies from the session's first delivered one ({@link #sinceSeq}, the
 * oldest message of its login's context) through its cursor, and it did not cause the message
 * itself. Older messages were never handed to it, whatever its cursor says: login sets the cursor
 * to the room's end after a context of {@code limits.login_tail} messages.
 *
 * <p>When it saw one is kept apart, in a ring of the session's most recent cursor moves (the cursor
 * reached, when), bounded by a number of entries and by bytes: a delivery older than the ring, or
 * from before a restart (the ring is not stored, {@link #sinceSeq} is), is known to have happened,
 * not when. Guarded by the room's lock.
 */
final class Receipts {
  /** What one entry of the ring takes: three longs. */
  static final int ENTRY_BYTES = 3 * Long.BYTES;

  private final long[] through;
  private final long[] nanos;
  private final long[] millis;

  /** Entries in the ring, the oldest at {@link #first}. */
  private int count;

  private int first;

  /** The cursor before the ring's oldest entry: deliveries up to it have no known time. */
  private long unknownThrough;

  /**
   * The first sequence number delivered to the session: the oldest message of its login's context,
   * or the one after the room's end at login when the context was empty.
   */
  long sinceSeq;

  /**
   * @param entries most cursor moves remembered
   * @param bytes most bytes the ring may take ({@link #ENTRY_BYTES} an entry); the smaller bound
   *     holds, at least one entry
   */
  Receipts(int entries, long bytes) {
    int size = (int) Math.max(1, Math.min(entries, bytes / ENTRY_BYTES));
    through = new long[size];
    nanos = new long[size];
    millis = new long[size];
  }

  /** A session that logs in now, first delivered {@code sinceSeq}. */
  void start(long sinceSeq) {
    this.sinceSeq = sinceSeq;
    count = 0;
    unknownThrough = sinceSeq - 1;
  }

  /** A session taken back from the store: what it saw is known, not when. */
  void restore(long sinceSeq, long cursor) {
    this.sinceSeq = sinceSeq;
    count = 0;
    unknownThrough = cursor;
  }

  /** The cursor reached {@code cursor} at {@code nanos} ({@link Ticker}) and {@code at}. */
  void reached(long cursor, long nanosNow, Instant at) {
    if (count > 0 && through[index(count - 1)] >= cursor) {
      return;
    }
    if (count == through.length) {
      unknownThrough = through[first];
      first = (first + 1) % through.length;
      count--;
    }
    int i = index(count++);
    through[i] = cursor;
    nanos[i] = nanosNow;
    millis[i] = at.toEpochMilli();
  }

  /** The cursor was taken back to {@code cursor} (a delivery its socket could not write). */
  void back(long cursor) {
    while (count > 0 && through[index(count - 1)] > cursor) {
      count--;
    }
    unknownThrough = Math.min(unknownThrough, cursor);
  }

  /** Whether {@code s} has been delivered {@code m}. */
  static boolean delivered(Session s, StoredMessage m) {
    return !Room.causedBy(s, m) && m.seq() >= s.receipts.sinceSeq && m.seq() <= s.cursor;
  }

  /** The ring's entry for the delivery of {@code seq}, or -1 when its time is not known. */
  private int entry(long seq) {
    if (seq <= unknownThrough) {
      return -1;
    }
    for (int k = 0; k < count; k++) {
      int i = index(k);
      if (through[i] >= seq) {
        return i;
      }
    }
    return -1;
  }

  private int index(int k) {
    return (first + k) % through.length;
  }

  /** When {@code s} was delivered {@code m}, or null when it was not or that is no longer known. */
  static String deliveredAt(Session s, StoredMessage m) {
    if (!delivered(s, m)) {
      return null;
    }
    int i = s.receipts.entry(m.seq());
    return i < 0 ? null : Timestamps.format(Instant.ofEpochMilli(s.receipts.millis[i]));
  }

  /**
   * Whether {@code s} is drafting after {@code m}: delivered it, and its draft is not empty and was
   * changed with {@code m} in view (an append whose own answer carried {@code m} was written before
   * it was seen; a draft taken back from the store counts as written with all it had been delivered
   * in view). Exact however long ago the delivery was.
   */
  static boolean draftingAfter(Session s, StoredMessage m) {
    return delivered(s, m) && !s.draft.isEmpty() && m.seq() <= s.draftEditedCursor;
  }

  /**
   * The receipts of {@code m}: one for each member of its room but whoever caused it, in the order
   * of the participants list.
   */
  static List<Receipt> of(Room room, StoredMessage m) {
    List<Receipt> out = new ArrayList<>();
    for (Session s : room.members()) {
      if (!Room.causedBy(s, m)) {
        out.add(
            new Receipt(
                s.username, s.kind, delivered(s, m), deliveredAt(s, m), draftingAfter(s, m)));
      }
    }
    return out;
  }

  /**
   * {@code page} with each message's {@code seen_by} ({@link #seenBy}), as a {@code history} page
   * carries it. Under the room's lock.
   */
  static List<StoredMessage> withSeenBy(Room room, List<StoredMessage> page) {
    List<StoredMessage> out = new ArrayList<>(page.size());
    for (StoredMessage m : page) {
      Message x = m.message();
      Message seen =
          new Message(
              x.messageId(),
              x.seq(),
              x.senderId(),
              x.room(),
              x.content(),
              x.timestamp(),
              x.kind(),
              x.mentions(),
              x.event(),
              x.basedOn(),
              x.stale(),
              x.senderKind(),
              seenBy(room, m));
      out.add(new StoredMessage(m.seq(), seen, m.actor()));
    }
    return out;
  }

  /** Who of its room's members but whoever caused it has been delivered {@code m}, and who not. */
  static MessageSeen seen(Room room, StoredMessage m) {
    List<String> seen = new ArrayList<>();
    List<String> unseen = new ArrayList<>();
    for (Session s : room.members()) {
      if (!Room.causedBy(s, m)) {
        (delivered(s, m) ? seen : unseen).add(s.username);
      }
    }
    return new MessageSeen(m.seq(), seen, unseen);
  }

  /**
   * How many members of its room but whoever caused it have been delivered {@code m}: a comparison
   * with each live cursor, cheap enough for every message of a history page.
   */
  static int seenBy(Room room, StoredMessage m) {
    int n = 0;
    for (Session s : room.members()) {
      if (delivered(s, m)) {
        n++;
      }
    }
    return n;
  }
}
