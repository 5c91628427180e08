package dev.parley.spec;

import dev.parley.api.PushResult;

/**
 * What a push result means: the one reading of {@code status} and {@code interrupted} that the
 * clients, the viewer and the agents share.
 */
public enum PushOutcome {
  /** The draft became a message ({@code status} 1). */
  SENT,
  /** Chat messages from others arrived first; the draft is kept and they are delivered. */
  INTERRUPTED,
  /** Not sent for another reason the result gives. */
  NOT_SENT;

  /** The outcome {@code result} reports. */
  public static PushOutcome of(PushResult result) {
    if (result.status() == 1) {
      return SENT;
    }
    return Boolean.TRUE.equals(result.interrupted()) ? INTERRUPTED : NOT_SENT;
  }
}
