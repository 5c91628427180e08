package dev.parley.server.room;

import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import java.time.Instant;
import java.util.Map;

/**
 * Hears what happens in rooms, in order per room: the conversation log writes it down, and
 * the observer feed streams it. Called under the room's lock, so implementations must be quick and
 * must not call back into the engine.
 */
public interface RoomListener {

  /** Hears nothing. */
  RoomListener NONE = new RoomListener() {
    @Override
    public void message(Message message) {}

    @Override
    public void action(String room, String username, String method, Map<String, Object> arguments, Instant at) {}

    @Override
    public void outcome(String room, String username, String method, Object outcome, Instant at) {}

    @Override
    public void note(String room, String username, NoteKind kind, String content, Instant at) {}
  };

  /** Every one of {@code listeners}, in order. */
  static RoomListener all(java.util.List<RoomListener> listeners) {
    return new RoomListener() {
      @Override
      public void message(Message message) {
        listeners.forEach(l -> l.message(message));
      }

      @Override
      public void action(String room, String username, String method, Map<String, Object> arguments, Instant at) {
        listeners.forEach(l -> l.action(room, username, method, arguments, at));
      }

      @Override
      public void outcome(String room, String username, String method, Object outcome, Instant at) {
        listeners.forEach(l -> l.outcome(room, username, method, outcome, at));
      }

      @Override
      public void note(String room, String username, NoteKind kind, String content, Instant at) {
        listeners.forEach(l -> l.note(room, username, kind, content, at));
      }
    };
  }

  /** A message was appended to a room's log. */
  void message(Message message);

  /** A participant started an action: {@code method} with its {@code arguments}. */
  void action(String room, String username, String method, Map<String, Object> arguments, Instant at);

  /** The action ended with {@code outcome}: its result, or {@code {"error": ...}}. */
  void outcome(String room, String username, String method, Object outcome, Instant at);

  /** A participant's note: its reasoning, or a tool call of its own and the answer. */
  void note(String room, String username, NoteKind kind, String content, Instant at);
}
