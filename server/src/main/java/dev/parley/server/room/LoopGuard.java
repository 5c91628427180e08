package dev.parley.server.room;

import dev.parley.api.ParticipantKind;
import dev.parley.api.PushHeldException;

/**
 * The loop guard: after a room's {@code max_agent_run} chat messages in a row from agents, with no
 * chat message from a human between them, agents' pushes are refused until a human sends one or a
 * moderator calls {@code continue}. Two agents that answer each other stop there instead of talking
 * (and spending model calls) forever. Guarded by its room's lock.
 *
 * <p>The count is not stored: a room taken up from the store gets it back from the log in one
 * question ({@link dev.parley.server.store.Store#agentRun}), before it serves a call, so a restart
 * finds it as it was and no push reads the log under the lock.
 */
final class LoopGuard {
  /** The agent messages in a row so far. */
  private int run;

  /**
   * Refuses {@code s}'s push when the run is at the room's limit.
   *
   * @throws PushHeldException with {@code reason} {@code agent_run}
   */
  void check(Session s) {
    int max = s.room.options.maxAgentRun();
    if (max <= 0) {
      return;
    }
    if (s.kind == ParticipantKind.AGENT && run >= max) {
      throw new PushHeldException(
          PushHeldException.Reason.AGENT_RUN,
          run,
          max,
          null,
          null,
          null,
          run
              + (run == 1 ? " agent message" : " agent messages")
              + " in a row with no person between them: wait (check) until a person"
              + " speaks or a moderator calls continue, then push again");
    }
  }

  /**
   * Counts a chat message {@code s} just sent; true when it reached the room's limit, so that the
   * room is told agents now wait.
   */
  boolean sent(Session s) {
    int max = s.room.options.maxAgentRun();
    if (max <= 0) {
      return false;
    }
    if (s.kind == ParticipantKind.HUMAN) {
      run = 0;
      return false;
    }
    run++;
    return run == max;
  }

  /** A moderator let the agents go on: the count starts again. True when it was not at 0. */
  boolean restart() {
    boolean counted = run > 0;
    run = 0;
    return counted;
  }

  /** The room was taken up from the store, whose log holds {@code run} agent messages in a row. */
  void restore(int run) {
    this.run = run;
  }
}
