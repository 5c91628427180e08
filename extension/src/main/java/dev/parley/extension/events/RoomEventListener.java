package dev.parley.extension.events;

import java.util.List;

/**
 * Hears every {@link RoomEvent}, in order per room, on the engine's publishing thread: an
 * implementation must be quick (hand slow work such as file writes to a thread of its own) and must
 * not call back into the engine.
 */
@FunctionalInterface
public interface RoomEventListener {

  /** Hears nothing. */
  RoomEventListener NONE = event -> {};

  /** Every one of {@code listeners}, in order. */
  static RoomEventListener all(List<RoomEventListener> listeners) {
    List<RoomEventListener> copy = List.copyOf(listeners);
    return event -> copy.forEach(l -> l.on(event));
  }

  /** Hears {@code event}. */
  void on(RoomEvent event);
}
