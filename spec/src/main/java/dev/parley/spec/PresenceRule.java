package dev.parley.spec;

import dev.parley.api.PresenceState;

/**
 * The presence rule: a participant is {@code waiting} while a {@code check} of theirs is pending
 * (even with a draft), else {@code drafting} while their draft is not empty, else {@code idle}. The
 * daemon applies it to its live sessions and the viewer's frame stream to the actions it sees, so
 * both say the same.
 */
public final class PresenceRule {
  private PresenceRule() {}

  /**
   * @param pendingChecks checks of the participant still waiting
   * @param drafting whether the participant's draft holds text
   */
  public static PresenceState state(int pendingChecks, boolean drafting) {
    if (pendingChecks > 0) {
      return PresenceState.WAITING;
    }
    return drafting ? PresenceState.DRAFTING : PresenceState.IDLE;
  }
}
