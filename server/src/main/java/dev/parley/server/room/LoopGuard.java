package dev.parley.server.room;

import dev.parley.api.MessageKind;
import dev.parley.api.ParticipantKind;
import dev.parley.api.PushHeldException;
import dev.parley.api.SystemEventType;
import dev.parley.server.store.StoredMessage;
import java.util.List;

/**
 * The loop guard: after a room's {@code max_agent_run} chat messages in a row from agents, with no
 * chat message from a human between them, agents' pushes are refused until a human sends one or a
 * moderator calls {@code continue}. Two agents that answer each other stop there instead of talking
 * (and spending model calls) forever. Guarded by its room's lock.
 *
 * <p>The count is not stored: it is read back from the log when first needed (the messages since
 * the last human one or {@code continued}), so a restart finds it as it was.
 */
final class LoopGuard {
  /** Messages read from the log at a time while the count is taken back. */
  private static final int PAGE = 64;

  /** The agent messages in a row so far; -1 until taken back from the log. */
  private int run = -1;

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
    // Read back before the push appends its message, whoever pushes, so it is not counted twice.
    int now = run(s.room);
    if (s.kind == ParticipantKind.AGENT && now >= max) {
      throw new PushHeldException(
          PushHeldException.Reason.AGENT_RUN,
          now,
          max,
          null,
          null,
          null,
          now
              + (now == 1 ? " agent message" : " agent messages")
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
    int before = run(s.room);
    if (s.kind == ParticipantKind.HUMAN) {
      run = 0;
      return false;
    }
    run = before + 1;
    return run == max;
  }

  /** A moderator let the agents go on: the count starts again. True when it was not at 0. */
  boolean restart(Room room) {
    boolean counted = run(room) > 0;
    run = 0;
    return counted;
  }

  /** The room was taken back from the store: the count is read from the log again. */
  void forget() {
    run = -1;
  }

  /** The agent messages in a row so far, read from the log the first time. */
  int run(Room room) {
    if (run < 0) {
      run = count(room);
    }
    return run;
  }

  /**
   * Counts the agent chat messages at the log's end, back to the last human one or {@code
   * continued} (or a message from before senders' kinds were kept), at most the room's limit.
   */
  private static int count(Room room) {
    int max = room.options.maxAgentRun();
    int agents = 0;
    long before = room.tail.lastSeq() + 1;
    while (agents < max && before > 1) {
      List<StoredMessage> page = room.tail.before(before, PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (int i = page.size() - 1; i >= 0; i--) {
        var m = page.get(i).message();
        if (m.kind() == MessageKind.SYSTEM) {
          if (m.event() != null && m.event().type() == SystemEventType.CONTINUED) {
            return agents;
          }
        } else if (m.senderKind() == ParticipantKind.AGENT) {
          if (++agents >= max) {
            return agents;
          }
        } else {
          return agents;
        }
      }
      before = page.get(0).seq();
    }
    return agents;
  }
}
