package dev.parley.server.room;

import dev.parley.api.PresenceState;
import dev.parley.extension.events.RoomEvent;
import dev.parley.server.store.StoredMessage;
import dev.parley.server.store.Write;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What one call changes in a room, gathered under the room's lock: the writes for the store, the
 * events to publish once they are stored, and whether the call may answer before its writes are
 * durable. Submitted to the writer before the lock is released, so that a room's changes reach the
 * store in the order they were decided.
 *
 * <p>The durability rule: a call answers only after its writes are stored when it appends a
 * message, starts or ends a session, claims or releases the floor, remembers a push's {@code
 * txn_id}, or delivers messages (a cursor that moved is stored before the messages are handed over,
 * so nothing is delivered twice, even across a crash). A change of the draft alone, with the {@code
 * txn_id} of the edit that made it, is written behind: stored with the writer's next batch, without
 * the call waiting for it, unless the writer is behind by more than its backlog (then the caller
 * waits, and memory stays bounded).
 */
final class RoomTransaction {
  private record Presence(PresenceState state, boolean holdsStick) {}

  final Room room;
  final Instant at;
  private final List<Write> writes = new ArrayList<>(2);
  private final List<RoomEvent> events = new ArrayList<>(2);
  private final Map<Session, Presence> watched = new LinkedHashMap<>(2);
  private boolean durable;
  private long appendedThrough;

  RoomTransaction(Room room, Instant at) {
    this.room = room;
    this.at = at;
    watch(room.stick.holder());
  }

  /** Appends {@code m} to the store and tells of it; the call waits for it to be stored. */
  void appended(StoredMessage m) {
    writes.add(new Write.AppendMessage(m));
    events.add(new RoomEvent.MessageAppended(m.message(), at));
    appendedThrough = m.seq();
    durable = true;
  }

  /** A write the call's answer depends on. */
  void write(Write w) {
    writes.add(w);
    durable = true;
  }

  /** A write the call does not wait for (a draft edit). */
  void writeBehind(Write w) {
    writes.add(w);
  }

  /** The call delivered messages: it answers once they and its moved cursor are stored. */
  void delivered() {
    durable = true;
  }

  void event(RoomEvent e) {
    events.add(e);
  }

  /** Remembers how {@code s} looks now, so that a change of its presence is told at the end. */
  void watch(Session s) {
    if (s != null && !watched.containsKey(s)) {
      watched.put(s, new Presence(s.state(), room.stick.isHeldBy(s)));
    }
  }

  /**
   * Tells the changes of presence, then queues everything for the writer; under the room's lock.
   *
   * @return what to wait for before answering, or null when the call need not wait
   */
  CompletableFuture<Void> submit(CommitQueue queue) {
    for (Map.Entry<Session, Presence> e : watched.entrySet()) {
      Session s = e.getKey();
      Presence now = new Presence(s.state(), room.stick.isHeldBy(s));
      if (!s.ended && !now.equals(e.getValue())) {
        events.add(
            new RoomEvent.PresenceChanged(
                room.name, s.username, now.state(), now.holdsStick(), at));
      }
    }
    if (writes.isEmpty() && events.isEmpty()) {
      return null;
    }
    CompletableFuture<Void> done = queue.submit(room, writes, events, appendedThrough);
    return durable || queue.congested() ? done : null;
  }
}
