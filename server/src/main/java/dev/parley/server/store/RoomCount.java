package dev.parley.server.store;

import dev.parley.api.FloorPolicy;

/**
 * A stored room with what the {@code rooms} method says of it, read from the store alone.
 *
 * @param name the room
 * @param floor its floor policy
 * @param sessions how many sessions it has
 * @param lastSeq its highest sequence number
 */
public record RoomCount(String name, FloorPolicy floor, int sessions, long lastSeq) {}
