package dev.parley.server.room;

import dev.parley.api.AccessDeniedException;
import dev.parley.api.InvalidParamsException;
import dev.parley.api.PushHeldException;
import dev.parley.extension.Timestamps;
import dev.parley.server.store.RoomControls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's moderation: who may moderate it, whether it is paused, and whom moderators muted or
 * removed. Mutes and removals name usernames, not sessions, so that logging in again escapes
 * neither; a name matches its lookalikes as usernames do. Guarded by its room's lock; stored whole
 * (as {@link RoomControls}) each time it changes.
 */
final class Moderation {
  /** Most mutes, and most removals, a room keeps: each is a username of at most 32 characters. */
  static final int MOST_BARS = 1000;

  private String creator;
  private String pausedBy;
  private final List<RoomControls.Bar> mutes = new ArrayList<>();
  private final List<RoomControls.Bar> removals = new ArrayList<>();

  /** The state {@code controls} holds. */
  static Moderation of(RoomControls controls) {
    Moderation m = new Moderation();
    m.restore(controls);
    return m;
  }

  /** Takes {@code controls} back (a room reloaded from the store). */
  void restore(RoomControls controls) {
    creator = controls.creator();
    pausedBy = controls.pausedBy();
    mutes.clear();
    mutes.addAll(controls.mutes());
    removals.clear();
    removals.addAll(controls.removals());
  }

  /** The state as the store keeps it. */
  RoomControls controls() {
    return new RoomControls(creator, pausedBy, mutes, removals);
  }

  /**
   * Makes {@code username} the room's creator when none is known yet: the first login of a room
   * created ahead of any (by configuration) counts as its creator. True when it did.
   */
  boolean claimCreator(String username) {
    if (creator != null) {
      return false;
    }
    creator = username;
    return true;
  }

  /** Whether {@code username} (or a lookalike) created the room. */
  boolean isCreator(String username) {
    return creator != null && Usernames.clash(creator, username);
  }

  /**
   * Throws 40013 ({@code reason} {@code moderator}) unless {@code s} may moderate its room.
   *
   * @param method the moderator's method called, for the error's wording
   */
  static void checkModerator(Session s, String method) {
    if (!s.moderator) {
      throw new AccessDeniedException(
          AccessDeniedException.Reason.MODERATOR,
          method
              + " is a moderator's: the room's creator's (without access control), or a session"
              + " whose key has the moderator right",
          null);
    }
  }

  /**
   * Throws 40014 when the room does not take {@code s}'s push: it is paused ({@code s} no
   * moderator) or {@code s} is muted.
   */
  void checkMayPush(Session s, Instant now) {
    if (pausedBy != null && !s.moderator) {
      throw new PushHeldException(
          PushHeldException.Reason.PAUSED,
          null,
          null,
          null,
          null,
          pausedBy,
          pausedBy
              + " paused the room: only moderators push until it is resumed; your draft is kept");
    }
    RoomControls.Bar mute = find(mutes, s.username, now);
    if (mute != null) {
      Long until = mute.untilMillis();
      throw new PushHeldException(
          PushHeldException.Reason.MUTED,
          null,
          null,
          until == null ? null : Timestamps.format(Instant.ofEpochMilli(until)),
          until == null ? null : Math.max(0, until - now.toEpochMilli()),
          mute.by(),
          mute.by()
              + " muted you"
              + (until == null ? " until they unmute you" : " for now")
              + ": your draft is kept");
    }
  }

  /** Throws 40013 ({@code reason} {@code removed}) while {@code username} is barred. */
  void checkMayLogIn(String username, Instant now) {
    RoomControls.Bar bar = find(removals, username, now);
    if (bar != null) {
      long wait = bar.untilMillis() - now.toEpochMilli();
      throw new AccessDeniedException(
          AccessDeniedException.Reason.REMOVED,
          bar.by()
              + " removed "
              + bar.user()
              + " from the room: the name may log in again in "
              + Duration.ofMillis(wait).toSeconds()
              + " s",
          Math.max(0, wait));
    }
  }

  /** Mutes {@code user} until {@code until} (null: until unmuted); false when it already was so. */
  boolean mute(String user, String by, Instant until, Instant now) {
    return bar(mutes, user, by, until, now);
  }

  /** Ends {@code user}'s mute; false when it had none. */
  boolean unmute(String user, Instant now) {
    prune(mutes, now);
    return mutes.removeIf(b -> Usernames.clash(b.user(), user));
  }

  /** Bars {@code user} from logging in until {@code until}; false when it already was so. */
  boolean removeUntil(String user, String by, Instant until, Instant now) {
    return bar(removals, user, by, until, now);
  }

  /** Pauses the room; false when it was paused already. */
  boolean pause(String by) {
    if (pausedBy != null) {
      return false;
    }
    pausedBy = by;
    return true;
  }

  /** Ends the pause; false when the room was not paused. */
  boolean resume() {
    if (pausedBy == null) {
      return false;
    }
    pausedBy = null;
    return true;
  }

  private static boolean bar(
      List<RoomControls.Bar> bars, String user, String by, Instant until, Instant now) {
    prune(bars, now);
    Long millis = until == null ? null : until.toEpochMilli();
    RoomControls.Bar old = find(bars, user, now);
    if (old != null && java.util.Objects.equals(old.untilMillis(), millis)) {
      return false;
    }
    bars.removeIf(b -> Usernames.clash(b.user(), user));
    if (bars.size() >= MOST_BARS) {
      throw new InvalidParamsException(
          "/user",
          "the room already bars "
              + MOST_BARS
              + " names: lift some (unmute) or wait for bounded ones to end",
          null);
    }
    bars.add(new RoomControls.Bar(user, by, millis));
    return true;
  }

  private static RoomControls.Bar find(List<RoomControls.Bar> bars, String user, Instant now) {
    for (RoomControls.Bar b : bars) {
      if (Usernames.clash(b.user(), user) && !over(b, now)) {
        return b;
      }
    }
    return null;
  }

  private static void prune(List<RoomControls.Bar> bars, Instant now) {
    bars.removeIf(b -> over(b, now));
  }

  private static boolean over(RoomControls.Bar b, Instant now) {
    return b.untilMillis() != null && b.untilMillis() <= now.toEpochMilli();
  }
}
