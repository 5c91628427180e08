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

  private static String text(SystemEventType type, String user) {
    return SystemMessages.text(new SystemEvent(type, user, null, null, null, null));
  }
}
