package dev.parley.server.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Copies everything of one store into another, empty one, through the {@link Store} interface
 * alone: rooms in creation order with their floor holder, every message, every session with its
 * draft, cursor and remembered pushes and draft edits. So a data directory's SQLite database moves
 * to PostgreSQL (or back) with nothing lost. Writes go in commits of at most {@link #CHUNK}, so
 * memory stays bounded whatever the size of the source.
 */
public final class StoreCopy {
  /** The most writes of one commit. */
  static final int CHUNK = 1000;

  /** What was copied. */
  public record Copied(int rooms, long messages, int sessions) {}

  private final Store from;
  private final Store to;
  private final List<Write> pending = new ArrayList<>();

  private StoreCopy(Store from, Store to) {
    this.from = from;
    this.to = to;
  }

  /**
   * Copies {@code from} into {@code to}.
   *
   * @throws IllegalStateException when {@code to} holds a room or a session already: a copy never
   *     mixes two daemons' data
   */
  public static Copied copy(Store from, Store to, String target) {
    int rooms = to.rooms().size();
    int sessions = to.sessions().size();
    if (rooms > 0 || sessions > 0) {
      throw new IllegalStateException(
          target
              + " is not empty ("
              + rooms
              + " rooms, "
              + sessions
              + " sessions): copy into an empty database");
    }
    return new StoreCopy(from, to).run();
  }

  private Copied run() {
    List<RoomRecord> rooms = from.rooms();
    long messages = 0;
    for (RoomRecord room : rooms) {
      add(new Write.CreateRoom(room.name(), room.floor(), room.options()));
      if (room.stickHolder() != null) {
        add(new Write.SaveStick(room.name(), room.stickHolder(), room.stickClaimedAt()));
      }
      if (!room.controls().equals(RoomControls.NONE)) {
        add(new Write.SaveControls(room.name(), room.controls()));
      }
      long after = 0;
      List<StoredMessage> page;
      do {
        page = from.after(room.name(), after, CHUNK);
        for (StoredMessage m : page) {
          add(new Write.AppendMessage(m));
          after = m.seq();
          messages++;
        }
      } while (page.size() == CHUNK);
    }
    List<SessionRecord> sessions = from.sessions();
    for (SessionRecord s : sessions) {
      add(new Write.SaveSession(s));
      List<PushReplay> replays = from.replays(s.tokenHash());
      for (PushReplay r : replays) {
        add(new Write.SaveReplay(s.room(), r, replays.size()));
      }
      List<DraftReplay> edits = from.draftReplays(s.tokenHash());
      for (DraftReplay d : edits) {
        add(new Write.SaveDraftReplay(s.room(), d, edits.size()));
      }
    }
    flush();
    return new Copied(rooms.size(), messages, sessions.size());
  }

  private void add(Write w) {
    pending.add(w);
    if (pending.size() >= CHUNK) {
      flush();
    }
  }

  private void flush() {
    if (!pending.isEmpty()) {
      to.commit(List.copyOf(pending));
      pending.clear();
    }
  }
}
