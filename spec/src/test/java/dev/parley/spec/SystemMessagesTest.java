package dev.parley.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.SystemEvent;
import dev.parley.api.SystemEventType;
import org.junit.jupiter.api.Test;

/**
 * The wording of system messages stays what earlier versions wrote: stored rooms (whose events the
 * V3 migration recovers from this wording) and old conversation logs read the same.
 */
class SystemMessagesTest {

  @Test
  void eachEventHasItsWording() {
    String user = "Bobby Tables";
    assertThat(text(SystemEventType.JOINED, user)).isEqualTo("Bobby Tables has joined");
    assertThat(text(SystemEventType.LEFT, user)).isEqualTo("Bobby Tables has left");
    assertThat(text(SystemEventType.EXPIRED, user))
        .isEqualTo("Bobby Tables has left (session expired)");
    assertThat(text(SystemEventType.STICK_CLAIMED, user))
        .isEqualTo("Bobby Tables has the talking stick");
    assertThat(text(SystemEventType.STICK_RELEASED, user))
        .isEqualTo("Bobby Tables released the talking stick");
    assertThat(text(SystemEventType.STICK_EXPIRED, user))
        .isEqualTo("the talking stick of Bobby Tables expired");
  }

  @Test
  void moderationAndTheLoopGuardSayWhoDidWhatToWhom() {
    String until = "2026-12-03T15:00:00.000Z";
    assertThat(event(SystemEventType.MUTED, "bot", "mo", until, null))
        .isEqualTo("mo muted bot until " + until);
    assertThat(event(SystemEventType.MUTED, "bot", "mo", null, null)).isEqualTo("mo muted bot");
    assertThat(event(SystemEventType.UNMUTED, "bot", "mo", null, null)).isEqualTo("mo unmuted bot");
    assertThat(event(SystemEventType.REMOVED, "bot", "mo", until, null))
        .isEqualTo("mo removed bot (the name may come back at " + until + ")");
    assertThat(event(SystemEventType.REMOVED, "bot", "mo", null, null)).isEqualTo("mo removed bot");
    assertThat(text(SystemEventType.PAUSED, "mo"))
        .isEqualTo("mo paused the room: only moderators may push until it is resumed");
    assertThat(text(SystemEventType.RESUMED, "mo")).isEqualTo("mo resumed the room");
    assertThat(text(SystemEventType.CONTINUED, "mo")).isEqualTo("mo let the agents go on");
    assertThat(event(SystemEventType.AGENT_RUN_LIMIT, "bot", null, null, 8))
        .isEqualTo(
            "8 agent messages in a row: agents wait until a person speaks or a moderator"
                + " continues");
  }

  private static String event(
      SystemEventType type, String user, String by, String until, Integer count) {
    return SystemMessages.text(new SystemEvent(type, user, null, by, until, count));
  }

  private static String text(SystemEventType type, String user) {
    return SystemMessages.text(new SystemEvent(type, user, null, null, null, null));
  }
}
