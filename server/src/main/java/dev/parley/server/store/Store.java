package dev.parley.server.store;

import dev.parley.api.FloorPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where rooms, their message logs and sessions live. The room engine keeps the live state
 * (who waits, who holds the lock) in memory and writes through to the store everything a
 * restart must find again: messages, sessions with their drafts and cursors, used
 * {@code txn_id}s and the floor holder.
 *
 * <p>Implementations are thread-safe. The engine calls the write methods of one room while it
 * holds that room's lock, so writes to one room never race each other.
 */
public interface Store extends AutoCloseable {

  /** Creates the room with {@code floor} unless it exists; returns the room's policy. */
  FloorPolicy ensureRoom(String room, FloorPolicy floor);

  /** Every room, in creation order. */
  List<RoomRecord> rooms();

  /** Records who holds a room's talking stick (null: nobody) and since when. */
  void saveStick(String room, String holder, Instant claimedAt);

  /**
   * Appends a message to the room's log and returns it with its sequence number; the message
   * is durable when this returns (or when the enclosing transaction commits).
   */
  StoredMessage append(String room, NewMessage message);

  /** The highest sequence number of the room, 0 for an empty room. */
  long lastSeq(String room);

  /** Messages with a sequence number above {@code afterSeq}, oldest first, at most {@code limit}. */
  List<StoredMessage> after(String room, long afterSeq, int limit);

  /** Messages with a sequence number below {@code beforeSeq}, the newest {@code limit} of them, oldest first. */
  List<StoredMessage> before(String room, long beforeSeq, int limit);

  /** Creates or replaces a session. */
  void saveSession(SessionRecord session);

  /** Forgets a session and its {@code txn_id}s. */
  void deleteSession(String tokenHash);

  /** Every stored session. */
  List<SessionRecord> sessions();

  /** Remembers the result of a sent push under its {@code txn_id}, the newest {@code keep} per session. */
  void saveTxn(String tokenHash, String txnId, String resultJson, int keep);

  /** A session's remembered push results by {@code txn_id}, oldest first. */
  Map<String, String> txns(String tokenHash);

  /**
   * Runs {@code work} as one transaction: all its writes become durable together, or none
   * does. Nested calls join the outer transaction.
   */
  <T> T transaction(Supplier<T> work);

  @Override
  void close();
}
