package dev.parley.server.store;

import dev.parley.api.Message;

/**
 * A message as the room's log holds it.
 *
 * @param seq the room's sequence number, strictly increasing from 1
 * @param message the message as clients see it
 * @param actor the username whose action caused it (the sender of a chat message, the subject of a
 *     system message); a session is never delivered what it caused itself
 */
public record StoredMessage(long seq, Message message, String actor) {

  /** A rough count of the heap bytes this message holds, for the in-memory tail's byte budget. */
  public long weight() {
    Message m = message;
    long chars =
        m.content().length()
            + m.senderId().length()
            + m.timestamp().length()
            + m.messageId().length();
    for (String name : m.mentions()) {
      chars += name.length() + 16;
    }
    return 2 * chars + 160;
  }
}
