package dev.parley.server.room;

import dev.parley.api.ParticipantKind;

/**
 * The room option {@code human_first}: in a room that has it, an agent's push is held back (not
 * sent, its draft kept, {@code force} or not) while a human participant is drafting, so that agents
 * never talk over a person who is typing. Drafting is a draft that is not empty and was changed
 * within the hold of the talking stick ({@code limits.stick_hold_ms}): a person who left a draft
 * and went away holds nobody for longer than someone who claimed the floor would.
 */
final class HumanFirst {
  private HumanFirst() {}

  /**
   * Whether {@code pusher}'s push waits for a human of its room, at {@code now} ({@link Ticker}
   * reading), a draft counting for {@code holdNanos} after its last change. Under the room's lock.
   */
  static boolean holdsBack(Session pusher, long now, long holdNanos) {
    Room room = pusher.room;
    if (!Boolean.TRUE.equals(room.options.humanFirst()) || pusher.kind != ParticipantKind.AGENT) {
      return false;
    }
    for (Session s : room.members()) {
      if (s.kind == ParticipantKind.HUMAN
          && !s.ended
          && !s.draft.isEmpty()
          && now - s.draftEditedAt <= holdNanos) {
        return true;
      }
    }
    return false;
  }
}
