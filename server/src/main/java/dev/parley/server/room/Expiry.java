package dev.parley.server.room;

import dev.parley.server.ServerLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * The expiry rules: a session with no call, no pending {@code check} and no subscribed socket for
 * the TTL expires; the talking stick is released once its hold has lasted {@code stickHold} since
 * the last claim. Decides only; the engine ends what this names. Under the room's lock.
 */
final class Expiry {
  private final long ttl;
  private final long hold;

  Expiry(ServerLimits limits) {
    this.ttl = limits.sessionTtl().toNanos();
    this.hold = limits.stickHold().toNanos();
  }

  /** The sessions of {@code room} idle past the TTL at {@code now}. */
  List<Session> idle(Room room, long now) {
    List<Session> out = new ArrayList<>();
    for (Session s : room.members()) {
      if (s.pendingChecks == 0 && s.subscriber == null && now - s.lastActive >= ttl) {
        out.add(s);
      }
    }
    return out;
  }

  /** The holder of {@code room}'s stick whose hold ran out at {@code now}, or null. */
  Session overdueStick(Room room, long now) {
    return room.stick.expired(now, hold);
  }

  /** How often to look: often enough that nothing outlives its limit by much. */
  static long periodMillis(ServerLimits limits) {
    return Math.max(
        10,
        Math.min(
            1000, Math.min(limits.sessionTtl().toMillis(), limits.stickHold().toMillis()) / 4));
  }
}
