package dev.parley.server.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where rooms, their message logs and sessions live: the truth the engine starts from and returns
 * to. The engine keeps the live state in memory (the recent tail of each log, drafts, cursors, who
 * waits) and hands the store every change a restart must find again as {@link Write}s, many calls'
 * worth in one {@link #commit}.
 *
 * <p>Implementations are thread-safe. {@link #commit} is called by one writer at a time; reads may
 * run beside it and see what was committed.
 */
public interface Store extends AutoCloseable {

  /** Every room, in creation order. */
  List<RoomRecord> rooms();

  /** The highest sequence number of the room, 0 for an empty or unknown room. */
  long lastSeq(String room);

  /**
   * The loop guard's count as the log holds it: the chat messages from agents at the end of {@code
   * room}'s log, back to the last chat message not from an agent (a person's, or one stored before
   * senders' kinds were kept) or {@code continued} event, at most {@code atMost}. One question to
   * the store, however long the log.
   */
  int agentRun(String room, int atMost);

  /**
   * Messages with a sequence number above {@code afterSeq}, oldest first, at most {@code limit}.
   */
  List<StoredMessage> after(String room, long afterSeq, int limit);

  /**
   * Messages with a sequence number below {@code beforeSeq}, the newest {@code limit} of them,
   * oldest first.
   */
  List<StoredMessage> before(String room, long beforeSeq, int limit);

  /** Every stored session, in creation order. */
  List<SessionRecord> sessions();

  /** The stored room of that name, if any. */
  default Optional<RoomRecord> room(String name) {
    return rooms().stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** The stored sessions of one room, in creation order. */
  default List<SessionRecord> sessions(String room) {
    return sessions().stream().filter(s -> s.room().equals(room)).toList();
  }

  /** The room of the stored session with that token hash, if there is one. */
  default Optional<String> sessionRoom(String tokenHash) {
    return sessions().stream()
        .filter(s -> s.tokenHash().equals(tokenHash))
        .map(SessionRecord::room)
        .findFirst();
  }

  /** Each stored room with how many sessions it has and its last sequence number. */
  default List<RoomCount> roomCounts() {
    List<SessionRecord> all = sessions();
    return rooms().stream()
        .map(
            r ->
                new RoomCount(
                    r.name(),
                    r.floor(),
                    (int) all.stream().filter(s -> s.room().equals(r.name())).count(),
                    lastSeq(r.name())))
        .toList();
  }

  /** The remembered pushes of a session, oldest first. */
  List<PushReplay> replays(String tokenHash);

  /** The remembered draft edits of a session, oldest first. */
  List<DraftReplay> draftReplays(String tokenHash);

  /**
   * Makes {@code writes} durable, in order, all or none: when this returns they survive a crash of
   * the process (and, for a durable store, of the machine); when it throws, none was made.
   *
   * @throws StoreException when the store could not commit them
   */
  void commit(List<Write> writes);

  /**
   * As {@link #commit(List)}, in the same transaction as a check that each room of {@code owners}
   * still has the owner epoch given: when one has another, nothing is made and this throws {@link
   * FencedException}. Only a store several daemons share has owners.
   *
   * @param owners room name to the epoch under which this daemon owns it
   */
  default void commit(List<Write> writes, Map<String, Long> owners) {
    if (!owners.isEmpty()) {
      throw new UnsupportedOperationException("this store has no room owners");
    }
    commit(writes);
  }

  /** Whether a commit survives the process: false for a store that lives in memory. */
  boolean durable();

  @Override
  void close();
}
