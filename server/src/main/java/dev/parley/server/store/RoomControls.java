package dev.parley.server.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A room's moderation state as stored: who created it, whether a moderator paused it, and whom
 * moderators muted or removed. Kept beside the room, written only when a moderator changes it (or
 * the room's first login makes its creator known).
 *
 * @param creator the username of the room's first login, or null when none logged in yet
 * @param pausedBy the moderator who paused the room, or null when it is not paused
 * @param mutes the muted usernames
 * @param removals the usernames barred from the room after a removal
 */
public record RoomControls(
    @JsonProperty("creator") String creator,
    @JsonProperty("paused_by") String pausedBy,
    @JsonProperty("mutes") List<Bar> mutes,
    @JsonProperty("removals") List<Bar> removals) {

  /** A room no moderator touched and nobody logged in to yet. */
  public static final RoomControls NONE = new RoomControls(null, null, List.of(), List.of());

  /** Null lists read as empty ones. */
  public RoomControls {
    mutes = mutes == null ? List.of() : List.copyOf(mutes);
    removals = removals == null ? List.of() : List.copyOf(removals);
  }

  /**
   * One muted or removed username.
   *
   * @param user the username, as the moderator spelt it
   * @param by the moderator
   * @param untilMillis when it ends (epoch milliseconds), or null for a mute until {@code unmute}
   */
  public record Bar(
      @JsonProperty("user") String user,
      @JsonProperty("by") String by,
      @JsonProperty("until_ms") Long untilMillis) {}
}
