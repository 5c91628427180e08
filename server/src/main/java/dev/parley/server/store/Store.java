package dev.parley.server.store;

import dev.parley.api.FloorPolicy;
import java.util.List;
import java.util.Map;

/**
 * Where rooms and their message logs live. The room engine holds live state (sessions,
 * drafts, cursors) in memory and asks the store for everything that must be read back.
 *
 * <p>Implementations are thread-safe. The engine calls the write methods of one room while it
 * holds that room's lock, so writes to one room never race each other.
 */
public interface Store extends AutoCloseable {

  /** Creates the room with {@code floor} unless it exists; returns the room's policy. */
  FloorPolicy ensureRoom(String room, FloorPolicy floor);

  /** Every room with its floor policy, in creation order. */
  Map<String, FloorPolicy> rooms();

  /**
   * Appends a message to the room's log and returns it with its sequence number; the message
   * is durable when this returns.
   */
  StoredMessage append(String room, NewMessage message);

  /** The highest sequence number of the room, 0 for an empty room. */
  long lastSeq(String room);

  /** Messages with a sequence number above {@code afterSeq}, oldest first, at most {@code limit}. */
  List<StoredMessage> after(String room, long afterSeq, int limit);

  /** Messages with a sequence number below {@code beforeSeq}, the newest {@code limit} of them, oldest first. */
  List<StoredMessage> before(String room, long beforeSeq, int limit);

  @Override
  void close();
}
