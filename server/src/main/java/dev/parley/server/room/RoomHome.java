package dev.parley.server.room;

/**
 * Where the engine's rooms are served: by this daemon alone, or, among several daemons sharing one
 * store, each by its owner. The engine serves only the rooms it was given ({@link
 * RoomEngine#adopt}) and fences every commit with their owner epochs.
 */
public interface RoomHome {
  /** A daemon alone with its store: every room is its own, and it takes them all back at start. */
  RoomHome ALONE =
      new RoomHome() {
        @Override
        public boolean alone() {
          return true;
        }

        @Override
        public boolean owns(String room, long epoch) {
          return true;
        }
      };

  /** Whether this daemon is alone with its store. */
  boolean alone();

  /**
   * Whether this daemon still owns {@code room} under {@code epoch}: asked after a commit of the
   * room failed, to tell a lost room (given up) from a failed store (reloaded).
   */
  boolean owns(String room, long epoch);
}
