package dev.parley.spec;

import dev.parley.api.SystemEvent;

/**
 * The wording of the system messages a room gets (joins, leaves, floor changes, moderation, the
 * loop guard). Readers never parse it back: every system message carries its {@link SystemEvent},
 * the structure this text is made from.
 */
public final class SystemMessages {
  private SystemMessages() {}

  /** The text of the system message reporting {@code event}. */
  public static String text(SystemEvent event) {
    String user = event.user();
    return switch (event.type()) {
      case JOINED -> user + " has joined";
      case LEFT -> user + " has left";
      case EXPIRED -> user + " has left (session expired)";
      case STICK_CLAIMED -> user + " has the talking stick";
      case STICK_RELEASED -> user + " released the talking stick";
      case STICK_EXPIRED -> "the talking stick of " + user + " expired";
      case MUTED ->
          event.by() + " muted " + user + (event.until() == null ? "" : " until " + event.until());
      case UNMUTED -> event.by() + " unmuted " + user;
      case REMOVED ->
          event.by()
              + " removed "
              + user
              + (event.until() == null ? "" : " (the name may come back at " + event.until() + ")");
      case PAUSED -> user + " paused the room: only moderators may push until it is resumed";
      case RESUMED -> user + " resumed the room";
      case CONTINUED -> user + " let the agents go on";
      case AGENT_RUN_LIMIT ->
          event.count()
              + (Integer.valueOf(1).equals(event.count()) ? " agent message" : " agent messages")
              + " in a row: agents wait until a person speaks or a moderator"
              + " continues";
    };
  }
}
