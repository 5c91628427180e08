package dev.parley.server.store;

import dev.parley.api.FloorPolicy;
import dev.parley.api.RoomOptions;
import java.time.Instant;

/**
 * A room as stored.
 *
 * @param name the room's name
 * @param floor its floor policy
 * @param stickHolder the username holding the talking stick, or null
 * @param stickClaimedAt when the holder last claimed it, or null
 * @param options its options ({@link #LEGACY} for a room stored before rooms had options)
 * @param controls its moderation state ({@link RoomControls#NONE} for a room without any)
 */
public record RoomRecord(
    String name,
    FloorPolicy floor,
    String stickHolder,
    Instant stickClaimedAt,
    RoomOptions options,
    RoomControls controls) {
  /** The options of a room stored before rooms had any: each one off, as those rooms behaved. */
  public static final RoomOptions LEGACY = new RoomOptions(false, 0, 0);
}
