package dev.parley.server.room;

import dev.parley.api.Message;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A socket that takes its session's messages the moment they are stored (the WebSocket door's
 * subscription), under the delivery rule of every answer: the engine hands it what is pending
 * ({@link RoomEngine#deliverTo}) and moves the session's cursor only when {@link #offer} took it.
 */
public interface Subscriber {
  /**
   * Something was stored in the subscriber's room: it should ask for a delivery soon. Runs on the
   * store's writer thread: it must not block or take a room's lock.
   */
  void wake();

  /**
   * Takes one notification of {@code delivery} into the socket's send queue if its bytes fit there.
   * Runs under the room's lock: memory only, no I/O.
   *
   * @param delivery the messages and the cursor before and after them
   * @param stored completes once the moved cursor is stored; the frame may be sent only then, and
   *     never when it completes exceptionally (the cursor is then taken back from the store)
   * @return false when the queue cannot take it: the cursor stays where it was
   */
  boolean offer(Delivery delivery, CompletableFuture<Void> stored);

  /**
   * Messages handed to a subscriber.
   *
   * @param messages the messages, oldest first
   * @param cursorBefore the session's cursor before them
   * @param cursorAfter the session's cursor after them
   */
  record Delivery(List<Message> messages, long cursorBefore, long cursorAfter) {}
}
