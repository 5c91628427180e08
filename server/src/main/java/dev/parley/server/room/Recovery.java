package dev.parley.server.room;

import dev.parley.api.RoomOptions;
import dev.parley.server.ServerLimits;
import dev.parley.server.store.RoomControls;
import dev.parley.server.store.RoomRecord;
import dev.parley.server.store.SessionRecord;
import dev.parley.server.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Takes the engine's state back from the store: every room, session, remembered push and draft edit
 * and floor holder at start, and one room again after one of its commits failed (the store is the
 * truth: whatever the failed batch had changed in memory is replaced by what was stored).
 */
final class Recovery {
  private final Store store;
  private final ServerLimits limits;
  private final Clock clock;
  private final Ticker ticker;
  private final int tailMessages;
  private final long tailBytes;
  private final RoomEngine.Journals journals;

  Recovery(
      Store store,
      ServerLimits limits,
      Clock clock,
      Ticker ticker,
      int tailMessages,
      long tailBytes,
      RoomEngine.Journals journals) {
    this.store = store;
    this.limits = limits;
    this.clock = clock;
    this.ticker = ticker;
    this.tailMessages = tailMessages;
    this.tailBytes = tailBytes;
    this.journals = journals;
  }

  /** A room as loaded: its tail is filled from the store when first used. */
  Room room(
      String name,
      dev.parley.api.FloorPolicy floor,
      RoomOptions options,
      RoomControls controls,
      long lastSeq) {
    return new Room(
        name,
        floor,
        options,
        controls,
        new RoomTail(name, store, tailMessages, tailBytes, lastSeq),
        clock.instant(),
        limits.responseMessages(),
        limits.responseBytes(),
        new Timeline(journals.timelineBytes(), lastSeq));
  }

  /** Loads every stored room into {@code rooms} and every stored session into {@code sessions}. */
  void start(Map<String, Room> rooms, Sessions sessions) {
    List<RoomRecord> records = store.rooms();
    for (RoomRecord r : records) {
      Room room = room(r.name(), r.floor(), r.options(), r.controls(), store.lastSeq(r.name()));
      countAgentRun(room);
      rooms.put(r.name(), room);
    }
    for (SessionRecord record : store.sessions()) {
      Room room = rooms.get(record.room());
      if (room != null) {
        revive(room, record, sessions);
      }
    }
    for (RoomRecord r : records) {
      restoreStick(rooms.get(r.name()), r);
    }
  }

  /** Gives {@code room}'s loop guard the count its stored log holds: one question to the store. */
  void countAgentRun(Room room) {
    int max = room.options.maxAgentRun();
    room.loopGuard.restore(
        max <= 0 || room.tail.lastSeq() == 0 ? 0 : store.agentRun(room.name, max));
  }

  /**
   * Takes up one stored room that another daemon served until now: its sessions (with their drafts,
   * cursors and remembered {@code txn_id}s) and its floor holder, as {@link #start} does for all.
   */
  void load(Room room, Sessions sessions) {
    for (SessionRecord record : store.sessions(room.name)) {
      Session old = sessions.byHash(record.tokenHash());
      if (old != null) {
        sessions.moved(old);
      }
      revive(room, record, sessions);
    }
    store.room(room.name).ifPresent(r -> restoreStick(room, r));
  }

  /**
   * Replaces {@code room}'s state by the stored one, under its lock: the log's end, the floor, and
   * its sessions (those the store does not have end; those it has come back as stored).
   */
  void reload(Room room, Sessions sessions) {
    long now = ticker.nanos();
    room.tail.reload(store.lastSeq(room.name));
    room.durableSeq = room.tail.lastSeq();
    Map<String, SessionRecord> stored = new java.util.HashMap<>();
    for (SessionRecord r : store.sessions(room.name)) {
      stored.put(r.tokenHash(), r);
    }
    for (Session s : List.copyOf(room.members())) {
      SessionRecord r = stored.remove(s.tokenHash);
      if (r == null) {
        s.ended = true;
        sessions.ended(s);
        room.remove(s);
      } else {
        s.restore(r, now);
        s.replays.replaceWith(store.replays(s.tokenHash), store.draftReplays(s.tokenHash));
      }
    }
    for (SessionRecord r : stored.values()) {
      Session old = sessions.byHash(r.tokenHash());
      if (old == null || old.ended) {
        revive(room, r, sessions);
      }
    }
    room.stick.restore(null, 0);
    countAgentRun(room);
    room.moderation.restore(RoomControls.NONE);
    store
        .room(room.name)
        .ifPresent(
            r -> {
              restoreStick(room, r);
              room.moderation.restore(r.controls());
            });
  }

  private void revive(Room room, SessionRecord record, Sessions sessions) {
    long now = ticker.nanos();
    Session s =
        new Session(
            record.tokenHash(),
            record.username(),
            room,
            new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), now),
            now - nanosSince(record.lastActive()),
            record.moderator(),
            record.kind(),
            journals.receipts());
    s.restore(record, now);
    s.replays.replaceWith(
        store.replays(record.tokenHash()), store.draftReplays(record.tokenHash()));
    room.join(s);
    sessions.add(s);
  }

  private void restoreStick(Room room, RoomRecord r) {
    Session holder = r.stickHolder() == null ? null : room.member(r.stickHolder());
    if (holder != null) {
      room.stick.claim(holder, ticker.nanos() - nanosSince(r.stickClaimedAt()));
    }
  }

  private long nanosSince(Instant then) {
    return then == null ? 0 : Math.max(0, Duration.between(then, clock.instant()).toNanos());
  }
}
