package dev.parley.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.spec.SystemMessages.Event;
import dev.parley.spec.SystemMessages.Parsed;
import org.junit.jupiter.api.Test;

/** Every system message reads back as what was written, even for awkward names. */
class SystemMessagesTest {

  @Test
  void eachMessageParsesBackToItsEventAndUser() {
    for (String user : new String[] {"bob", "Bobby Tables", "has left", "the talking stick of x"}) {
      assertThat(SystemMessages.parse(SystemMessages.joined(user))).contains(new Parsed(Event.JOINED, user));
      assertThat(SystemMessages.parse(SystemMessages.left(user))).contains(new Parsed(Event.LEFT, user));
      assertThat(SystemMessages.parse(SystemMessages.expired(user))).contains(new Parsed(Event.EXPIRED, user));
      assertThat(SystemMessages.parse(SystemMessages.stickClaimed(user))).contains(new Parsed(Event.STICK_CLAIMED, user));
      assertThat(SystemMessages.parse(SystemMessages.stickReleased(user))).contains(new Parsed(Event.STICK_RELEASED, user));
      assertThat(SystemMessages.parse(SystemMessages.stickExpired(user))).contains(new Parsed(Event.STICK_EXPIRED, user));
    }
  }

  @Test
  void otherTextIsNotASystemEvent() {
    assertThat(SystemMessages.parse("hello there")).isEmpty();
    assertThat(SystemMessages.parse("bob has joined the chat")).isEmpty();
  }
}
