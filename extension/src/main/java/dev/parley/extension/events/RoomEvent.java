package dev.parley.extension.events;

import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.PresenceState;
import java.time.Instant;
import java.util.Map;

/**
 * Something that happened in a room, published after the change committed, in order per room and
 * outside the room's lock. The observer stream, the conversation log and any other subscriber are
 * built from these; nothing is rendered to text and read back.
 */
public sealed interface RoomEvent {

  /** The room it happened in. */
  String room();

  /** When it happened. */
  Instant at();

  /**
   * A message was appended to the room's log.
   *
   * @param message the message
   * @param at when
   */
  record MessageAppended(Message message, Instant at) implements RoomEvent {
    @Override
    public String room() {
      return message.room();
    }
  }

  /**
   * A participant started an action.
   *
   * @param room the room
   * @param user the participant
   * @param method the protocol method
   * @param arguments its arguments by name, absent ones left out
   * @param at when
   */
  record ActionStarted(
      String room, String user, String method, Map<String, Object> arguments, Instant at)
      implements RoomEvent {}

  /**
   * An action ended, with its result or its error.
   *
   * @param room the room
   * @param user the participant
   * @param method the protocol method
   * @param result the method's typed result (such as a {@code PushResult}); null when it failed
   * @param error the protocol error it ended with; null when it succeeded
   * @param at when
   */
  record ActionEnded(
      String room, String user, String method, Object result, ParleyRpcException error, Instant at)
      implements RoomEvent {}

  /**
   * A participant's note: its reasoning, or a tool call of its own and the answer.
   *
   * @param room the room
   * @param user the participant
   * @param kind what kind of note
   * @param content the note
   * @param at when
   */
  record NoteAdded(String room, String user, NoteKind kind, String content, Instant at)
      implements RoomEvent {}

  /**
   * A participant's presence changed: what it is doing, or whether it holds the stick.
   *
   * @param room the room
   * @param user the participant
   * @param state idle, drafting or waiting
   * @param holdsStick whether it holds the talking stick
   * @param at when
   */
  record PresenceChanged(
      String room, String user, PresenceState state, boolean holdsStick, Instant at)
      implements RoomEvent {}

  /**
   * A participant's session ended.
   *
   * @param room the room
   * @param user the participant
   * @param expired true when it expired, false when it logged out
   * @param at when
   */
  record SessionEnded(String room, String user, boolean expired, Instant at) implements RoomEvent {}

  /**
   * The room was deleted, with its messages, having been idle past the retention. Nothing of it
   * follows; a room created later under the same name is a new one.
   *
   * @param room the room
   * @param at when
   */
  record RoomDeleted(String room, Instant at) implements RoomEvent {}
}
