package dev.parley.server.store;

import java.util.Set;

/**
 * A commit refused because another daemon became the owner of some of its rooms: this daemon may no
 * longer write for them.
 */
public final class FencedException extends StoreException {
  private final Set<String> rooms;

  /**
   * @param rooms the rooms this daemon no longer owns
   */
  public FencedException(Set<String> rooms) {
    super("another daemon now serves room" + (rooms.size() == 1 ? " " : "s ") + rooms, null);
    this.rooms = Set.copyOf(rooms);
  }

  /** The rooms this daemon no longer owns. */
  public Set<String> rooms() {
    return rooms;
  }
}
