package dev.parley.server.store;

import dev.parley.api.FloorPolicy;
import dev.parley.api.RoomOptions;
import java.time.Instant;

/**
 * One change to the store. The engine decides every change in memory and hands them to the store in
 * order, many calls' changes at a time; {@link Store#commit} makes a list of them durable together,
 * or none of them.
 */
public sealed interface Write {

  /** The room the change belongs to. */
  String room();

  /**
   * A new room.
   *
   * @param room its name
   * @param floor its floor policy
   * @param options its options, each one filled in
   */
  record CreateRoom(String room, FloorPolicy floor, RoomOptions options) implements Write {}

  /**
   * A message appended to its room's log, with the sequence number the engine gave it.
   *
   * @param message the message
   */
  record AppendMessage(StoredMessage message) implements Write {
    @Override
    public String room() {
      return message.message().room();
    }
  }

  /**
   * A session created or changed.
   *
   * @param session the session as it is now
   */
  record SaveSession(SessionRecord session) implements Write {
    @Override
    public String room() {
      return session.room();
    }
  }

  /**
   * A session ended: it and its push and draft replays are forgotten.
   *
   * @param room its room
   * @param tokenHash its token's hash
   */
  record DeleteSession(String room, String tokenHash) implements Write {}

  /**
   * A sent push remembered under its {@code txn_id}, the newest {@code keep} per session.
   *
   * @param room the session's room
   * @param replay what a retry of the push answers
   * @param keep how many replays the session keeps
   */
  record SaveReplay(String room, PushReplay replay, int keep) implements Write {}

  /**
   * A draft edit remembered under its {@code txn_id}, the newest {@code keep} per session. Stored
   * with the draft it changed, in the same batch, so that a restart finds both or neither.
   *
   * @param room the session's room
   * @param replay what a retry of the edit answers
   * @param keep how many draft replays the session keeps
   */
  record SaveDraftReplay(String room, DraftReplay replay, int keep) implements Write {}

  /**
   * Who holds a room's talking stick.
   *
   * @param room the room
   * @param holder the holder's username, or null when nobody holds it
   * @param claimedAt when the holder claimed it, or null
   */
  record SaveStick(String room, String holder, Instant claimedAt) implements Write {}

  /**
   * A room's moderation state, replacing the stored one.
   *
   * @param room the room
   * @param controls its state now
   */
  record SaveControls(String room, RoomControls controls) implements Write {}

  /**
   * A room removed with everything of it: its messages, sessions, their push and draft replays and
   * its floor holder. Its name is free again; a room created under it later starts a new log.
   *
   * @param room the room
   */
  record DeleteRoom(String room) implements Write {}
}
