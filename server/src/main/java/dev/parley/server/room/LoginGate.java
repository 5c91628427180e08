package dev.parley.server.room;

/**
 * Who may start a session where: asked by {@code login} for every new session, after the username
 * is normalised and before the room is made, so that a refused login leaves nothing behind. A
 * resumed live session is not asked again: its token is the secret.
 */
@FunctionalInterface
public interface LoginGate {
  /**
   * Everyone may log in anywhere: a daemon without access control, where each room's creator
   * moderates it.
   */
  LoginGate OPEN =
      new LoginGate() {
        @Override
        public boolean admit(String username, String room) {
          return false;
        }

        @Override
        public boolean open() {
          return true;
        }
      };

  /**
   * Admits {@code username} into {@code room}, or refuses by throwing the protocol's error.
   *
   * @param username the normalised username
   * @param room the room's name
   * @return whether the session is a moderator's
   */
  boolean admit(String username, String room);

  /**
   * Whether this is a daemon without access control, whose rooms are moderated by their creators
   * ({@link #admit}'s answer aside).
   */
  default boolean open() {
    return false;
  }
}
