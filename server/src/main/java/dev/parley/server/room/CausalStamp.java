package dev.parley.server.room;

import dev.parley.api.MessageKind;
import dev.parley.server.store.StoredMessage;
import java.util.List;

/**
 * The causal stamp of a chat message: {@code based_on}, the highest sequence number its author had
 * been delivered when it pushed, and {@code stale}, whether a chat message from someone else came
 * after that and before this one, so that its author answered without having seen it.
 *
 * @param basedOn the author's cursor when it pushed
 * @param stale whether the author had not been delivered a chat message of another that precedes it
 */
record CausalStamp(long basedOn, boolean stale) {
  /**
   * The stamp of a push by {@code author}, decided before its pending messages are delivered:
   * {@code pending} is what it had not been delivered, none of it its own doing.
   */
  static CausalStamp of(Session author, List<StoredMessage> pending) {
    return new CausalStamp(author.cursor, anyChat(pending));
  }

  /**
   * Whether {@code messages} hold a chat message: what interrupts a push, and what makes one stale.
   */
  static boolean anyChat(List<StoredMessage> messages) {
    for (StoredMessage m : messages) {
      if (m.message().kind() == MessageKind.CHAT) {
        return true;
      }
    }
    return false;
  }
}
