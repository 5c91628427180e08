package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.api.NotLoggedInException;
import dev.parley.api.Participant;
import dev.parley.server.testing.RunningServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A closed session stays closed: a call after {@code close()} never logs in again. */
class ChatSessionCloseTest {
  @Test
  void aCallAfterCloseFailsInsteadOfTakingTheNameAgain() throws Exception {
    try (RunningServer server = RunningServer.start();
        ChatSession bob =
            new ChatSession(server.uri(), "bob", "closing", Duration.ofMinutes(1), null, null)) {
      ChatSession alice =
          new ChatSession(server.uri(), "alice", "closing", Duration.ofMinutes(1), null, null);
      alice.close();
      assertThatThrownBy(() -> alice.append("still here?"))
          .isInstanceOf(NotLoggedInException.class);
      assertThat(bob.participants().participants().stream().map(Participant::username))
          .containsExactly("bob");
      // Closing again is harmless.
      alice.close();
    }
  }
}
