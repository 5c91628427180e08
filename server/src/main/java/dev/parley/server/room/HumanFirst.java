package dev.parley.server.room;

import dev.parley.api.ParticipantKind;

/**
 * The room option {@code human_first}: in a room that has it, an agent's push is held back (not
 * sent, its draft kept, {@code force} or not) while a human participant's draft is not empty, so
 * that agents never talk over a person who is typing.
 */
final class HumanFirst {
  private HumanFirst() {}

  /** Whether {@code pusher}'s push waits for a human of its room. Under the room's lock. */
  static boolean holdsBack(Session pusher) {
    Room room = pusher.room;
    if (!Boolean.TRUE.equals(room.options.humanFirst()) || pusher.kind != ParticipantKind.AGENT) {
      return false;
    }
    for (Session s : room.members()) {
      if (s.kind == ParticipantKind.HUMAN && !s.ended && !s.draft.isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
