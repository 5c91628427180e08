package dev.parley.server.room;

/**
 * A call reached a room this daemon no longer serves, or does not serve yet: another daemon sharing
 * the store owns it. Not an answer for the client: the call is sent to the room's owner instead.
 */
public final class RoomMovedException extends RuntimeException {
  private final String room;

  /**
   * @param room the room that is served elsewhere
   */
  public RoomMovedException(String room) {
    super("room " + room + " is served by another daemon", null, false, false);
    this.room = room;
  }

  /** The room that is served elsewhere. */
  public String room() {
    return room;
  }
}
