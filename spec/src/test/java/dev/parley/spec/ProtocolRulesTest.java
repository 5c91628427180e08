package dev.parley.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.api.InterruptReason;
import dev.parley.api.PresenceState;
import dev.parley.api.PushResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules the daemon, the viewer and the clients read the same way. */
class ProtocolRulesTest {
  @Test
  void aPushResultMeansSentInterruptedHeldForAHumanOrNotSent() {
    assertThat(
            PushOutcome.of(
                new PushResult(1, "msg-4", "2026-12-01T00:00:00.000Z", null, List.of(), null)))
        .isEqualTo(PushOutcome.SENT);
    assertThat(PushOutcome.of(new PushResult(0, null, null, true, List.of(), null)))
        .isEqualTo(PushOutcome.INTERRUPTED);
    assertThat(
            PushOutcome.of(
                new PushResult(0, null, null, true, List.of(), InterruptReason.NEW_MESSAGES)))
        .isEqualTo(PushOutcome.INTERRUPTED);
    assertThat(
            PushOutcome.of(
                new PushResult(0, null, null, true, List.of(), InterruptReason.HUMAN_DRAFTING)))
        .isEqualTo(PushOutcome.HUMAN_DRAFTING);
    assertThat(PushOutcome.of(new PushResult(0, null, null, null, List.of(), null)))
        .isEqualTo(PushOutcome.NOT_SENT);
  }

  @Test
  void draftingWinsOverWaitingWhichWinsOverIdle() {
    assertThat(PresenceRule.state(1, true)).isEqualTo(PresenceState.DRAFTING);
    assertThat(PresenceRule.state(1, false)).isEqualTo(PresenceState.WAITING);
    assertThat(PresenceRule.state(0, true)).isEqualTo(PresenceState.DRAFTING);
    assertThat(PresenceRule.state(0, false)).isEqualTo(PresenceState.IDLE);
  }
}
