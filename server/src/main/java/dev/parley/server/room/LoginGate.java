package dev.parley.server.room;

/**
 * Who may start a session where: asked by {@code login} for every new session, after the username
 * is normalised and before the room is made, so that a refused login leaves nothing behind. A
 * resumed live session is not asked again: its token is the secret.
 */
@FunctionalInterface
public interface LoginGate {
  /** Everyone may log in anywhere, as nobody's moderator: a daemon without access control. */
  LoginGate OPEN = (username, room) -> false;

  /**
   * Admits {@code username} into {@code room}, or refuses by throwing the protocol's error.
   *
   * @param username the normalised username
   * @param room the room's name
   * @return whether the session is a moderator's
   */
  boolean admit(String username, String room);
}
