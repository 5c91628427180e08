package dev.parley.spec;

import dev.parley.api.InterruptReason;
import dev.parley.api.PushResult;

/**
 * What a push result means: the one reading of {@code status}, {@code interrupted} and {@code
 * reason} that the clients, the viewer and the agents share.
 */
public enum PushOutcome {
  /** The draft became a message ({@code status} 1). */
  SENT,
  /** Chat messages from others arrived first; the draft is kept and they are delivered. */
  INTERRUPTED,
  /**
   * An agent's push in a {@code human_first} room while a human drafts: the draft is kept; {@code
   * force} does not pass it, a {@code check} waits for the human.
   */
  HUMAN_DRAFTING,
  /** Not sent for another reason the result gives. */
  NOT_SENT;

  /** The outcome {@code result} reports. */
  public static PushOutcome of(PushResult result) {
    if (result.status() == 1) {
      return SENT;
    }
    if (!Boolean.TRUE.equals(result.interrupted())) {
      return NOT_SENT;
    }
    return result.reason() == InterruptReason.HUMAN_DRAFTING ? HUMAN_DRAFTING : INTERRUPTED;
  }
}
