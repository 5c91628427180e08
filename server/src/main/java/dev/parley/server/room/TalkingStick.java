package dev.parley.server.room;

import dev.parley.api.FloorHeldException;
import dev.parley.api.FloorPolicy;

/**
 * Floor control. In an {@code open} room the stick is a courtesy: every claim is granted and a
 * later claim takes it over. In a {@code stick} room a claim is refused while another holds it, and
 * only the holder may append and push. Guarded by the room's lock.
 */
final class TalkingStick {
  private final FloorPolicy policy;
  private Session holder;
  private long claimedAt;

  TalkingStick(FloorPolicy policy) {
    this.policy = policy;
  }

  Session holder() {
    return holder;
  }

  /** System.nanoTime of the holder's last claim. */
  long claimedAt() {
    return claimedAt;
  }

  boolean isHeldBy(Session s) {
    return holder == s;
  }

  /** Claims the stick for {@code s}; true when granted. Claiming it again renews the hold. */
  boolean claim(Session s, long now) {
    if (policy == FloorPolicy.STICK && holder != null && holder != s) {
      return false;
    }
    holder = s;
    claimedAt = now;
    return true;
  }

  /** Puts the stick back as it was (after a failed transaction). */
  void restore(Session previousHolder, long previousClaimedAt) {
    holder = previousHolder;
    claimedAt = previousClaimedAt;
  }

  /** Releases the stick if {@code s} holds it; true when it did. */
  boolean release(Session s) {
    if (holder != s || s == null) {
      return false;
    }
    holder = null;
    return true;
  }

  /** The holder whose hold has lasted longer than {@code holdNanos}, or null. */
  Session expired(long now, long holdNanos) {
    return holder != null && now - claimedAt >= holdNanos ? holder : null;
  }

  /** Throws 40012 unless {@code s} may write a message now. */
  void checkMayWrite(Session s) {
    if (policy == FloorPolicy.STICK && holder != s) {
      throw new FloorHeldException(holder == null ? null : holder.username);
    }
  }
}
