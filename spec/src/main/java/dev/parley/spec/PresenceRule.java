package dev.parley.spec;

import dev.parley.api.PresenceState;

/**
 * The presence rule: a participant is {@code drafting} while their draft is not empty (even with a
 * {@code check} pending), else {@code waiting} while a {@code check} of theirs is pending, else
 * {@code idle}. A draft says what the participant is doing; a check under way says only that their
 * client listens, as a chat's listener does the whole time its person types. The daemon applies it
 * to its live sessions and the viewer's frame stream to the actions it sees, so both say the same.
 */
public final class PresenceRule {
  private PresenceRule() {}

  /**
   * @param pendingChecks checks of the participant still waiting
   * @param drafting whether the participant's draft holds text
   */
  public static PresenceState state(int pendingChecks, boolean drafting) {
    if (drafting) {
      return PresenceState.DRAFTING;
    }
    return pendingChecks > 0 ? PresenceState.WAITING : PresenceState.IDLE;
  }
}
