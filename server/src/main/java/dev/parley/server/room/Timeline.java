package dev.parley.server.room;

import dev.parley.api.DraftAction;
import dev.parley.api.InterruptReason;
import dev.parley.api.Message;
import dev.parley.api.MessageRef;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.ParticipantTimeline;
import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineEventType;
import dev.parley.api.TimelineResult;
import dev.parley.extension.Timestamps;
import dev.parley.server.store.StoredMessage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The timeline rule ("why didn't X answer"): a room's journal of what each participant was
 * delivered and did with its draft and its pushes, and, for a message, each participant's events
 * from that message through its next pushed message.
 *
 * <p>The journal lives in memory only: it is recorded under the room's lock with no I/O, is lost
 * when the daemon stops, and keeps its newest entries within a byte budget (an estimate of the heap
 * each entry takes). What it dropped, or never saw (everything before the daemon took the room up),
 * makes the timeline of the messages it concerns {@code complete: false}. Guarded by the room's
 * lock.
 */
final class Timeline {
  /** An entry's estimated heap bytes beyond its strings: the record, its boxes, the deque slot. */
  static final int ENTRY_OVERHEAD_BYTES = 160;

  private record Entry(TimelineEvent event, int bytes) {}

  private final long budgetBytes;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long bytes;

  /**
   * The room's highest sequence number of any event the journal does not hold (dropped, or from
   * before it began): a message above it has every event since it in the journal.
   */
  private long lostThrough;

  /**
   * @param budgetBytes most bytes the journal may take (at least its newest entry stays)
   * @param lastSeq the room's highest sequence number when the journal begins
   */
  Timeline(long budgetBytes, long lastSeq) {
    this.budgetBytes = budgetBytes;
    this.lostThrough = lastSeq;
  }

  /** Messages of others through {@code throughSeq} were delivered to {@code user}. */
  void delivered(String user, Instant at, long roomSeq, long throughSeq) {
    add(event(TimelineEventType.DELIVERED, user, at, roomSeq, throughSeq, null, null, null));
  }

  /** {@code user}'s draft changed by {@code action}, its length now {@code length}. */
  void draft(
      String user, Instant at, long roomSeq, boolean started, DraftAction action, int length) {
    add(
        event(
            started ? TimelineEventType.DRAFT_STARTED : TimelineEventType.DRAFT_CHANGED,
            user,
            at,
            roomSeq,
            null,
            action,
            length,
            null));
  }

  /** {@code user}'s push was interrupted: nothing sent, the draft kept. */
  void interrupted(String user, Instant at, long roomSeq, InterruptReason reason) {
    add(event(TimelineEventType.PUSH_INTERRUPTED, user, at, roomSeq, null, null, null, reason));
  }

  /** {@code user}'s push was answered with {@code error}. */
  void refused(String user, Instant at, long roomSeq, ParleyRpcException error) {
    add(
        new TimelineEvent(
            TimelineEventType.PUSH_REFUSED,
            user,
            Timestamps.format(at),
            roomSeq,
            null,
            null,
            null,
            null,
            error.code(),
            error.rpcMessage(),
            error.detail(),
            null,
            null));
  }

  /** {@code user} pushed {@code sent}. */
  void pushed(String user, Instant at, Message sent) {
    add(
        new TimelineEvent(
            TimelineEventType.PUSHED,
            user,
            sent.timestamp(),
            sent.seq(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            sent.messageId(),
            sent.seq()));
  }

  private static TimelineEvent event(
      TimelineEventType type,
      String user,
      Instant at,
      long roomSeq,
      Long throughSeq,
      DraftAction action,
      Integer length,
      InterruptReason reason) {
    return new TimelineEvent(
        type,
        user,
        Timestamps.format(at),
        roomSeq,
        throughSeq,
        action,
        length,
        reason,
        null,
        null,
        null,
        null,
        null);
  }

  private void add(TimelineEvent e) {
    int size = bytes(e);
    entries.addLast(new Entry(e, size));
    bytes += size;
    while (bytes > budgetBytes && entries.size() > 1) {
      Entry dropped = entries.removeFirst();
      bytes -= dropped.bytes();
      lostThrough = Math.max(lostThrough, dropped.event().roomSeq());
    }
  }

  /** The estimated heap bytes of {@code e}: its overhead and its strings, two bytes a char. */
  static int bytes(TimelineEvent e) {
    return ENTRY_OVERHEAD_BYTES
        + 2
            * (e.user().length()
                + e.at().length()
                + (e.error() == null ? 0 : e.error().length())
                + (e.detail() == null ? 0 : e.detail().length())
                + (e.messageId() == null ? 0 : e.messageId().length()));
  }

  /** The journal's entries, oldest first: the JSONL export of the room's timeline. */
  List<TimelineEvent> events() {
    List<TimelineEvent> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(e.event());
    }
    return out;
  }

  /**
   * The timeline of {@code m}: for each member of {@code room} but whoever caused it (in the order
   * of the participants list), whether and when it was delivered {@code m} (as {@link Receipts}
   * says), its events from {@code m} on through its next push, and that pushed message.
   */
  TimelineResult of(Room room, StoredMessage m, List<Message> delivered) {
    Map<String, List<TimelineEvent>> byUser = new HashMap<>();
    Map<String, MessageRef> next = new HashMap<>();
    for (Entry entry : entries) {
      TimelineEvent e = entry.event();
      String key = Room.key(e.user());
      if (e.roomSeq() < m.seq() || next.containsKey(key)) {
        continue;
      }
      byUser.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
      if (e.type() == TimelineEventType.PUSHED && e.seq() > m.seq()) {
        next.put(key, new MessageRef(e.messageId(), e.seq(), e.at()));
      }
    }
    List<ParticipantTimeline> participants = new ArrayList<>();
    for (Session s : room.members()) {
      if (Room.causedBy(s, m)) {
        continue;
      }
      String key = Room.key(s.username);
      participants.add(
          new ParticipantTimeline(
              s.username,
              s.kind,
              Receipts.delivered(s, m),
              Receipts.deliveredAt(s, m),
              byUser.getOrDefault(key, List.of()),
              next.get(key)));
    }
    return new TimelineResult(
        m.message().messageId(), m.seq(), lostThrough < m.seq(), participants, delivered);
  }
}
