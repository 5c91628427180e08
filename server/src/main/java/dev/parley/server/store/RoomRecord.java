package dev.parley.server.store;

import dev.parley.api.FloorPolicy;
import java.time.Instant;

/**
 * A room as stored.
 *
 * @param name the room's name
 * @param floor its floor policy
 * @param stickHolder the username holding the talking stick, or null
 * @param stickClaimedAt when the holder last claimed it, or null
 */
public record RoomRecord(
    String name, FloorPolicy floor, String stickHolder, Instant stickClaimedAt) {}
