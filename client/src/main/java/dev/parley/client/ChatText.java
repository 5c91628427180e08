package dev.parley.client;

import dev.parley.api.AppendResult;
import dev.parley.api.FloorHeldException;
import dev.parley.api.InterruptReason;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.ModerationResult;
import dev.parley.api.ParleyRpcException;
import dev.parley.api.Participant;
import dev.parley.api.ParticipantTimeline;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushHeldException;
import dev.parley.api.PushResult;
import dev.parley.api.Receipt;
import dev.parley.api.ReceiptsResult;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.TimelineEvent;
import dev.parley.api.TimelineEventType;
import dev.parley.api.TimelineResult;
import dev.parley.api.UndoResult;
import dev.parley.spec.PushOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Results as an LLM (or a person) reads them: each message as {@code Sender: content} on its own
 * line, oldest first, and a bracketed notice line where something did not go as asked. The empty
 * string means nothing arrived and nothing needs saying.
 */
public final class ChatText {
  private ChatText() {}

  /** The messages, one {@code Sender: content} line each. */
  public static String messages(List<Message> messages) {
    return lines(messages, null);
  }

  /** What an append delivered, and a notice when its text was cut or refused. */
  public static String append(AppendResult r) {
    return lines(r.messages(), appendNotice(r));
  }

  /** What a push delivered, and a notice when it was interrupted. */
  public static String push(PushResult r) {
    return lines(r.messages(), pushNotice(r));
  }

  /** What an undo delivered, and a notice when there was nothing to undo. */
  public static String undo(UndoResult r) {
    return lines(r.messages(), undoNotice(r));
  }

  /** What a preview delivered, and the draft itself. */
  public static String preview(PreviewResult r) {
    return lines(r.messages(), previewNotice(r));
  }

  /** What a claim of the floor delivered, and who holds it now. */
  public static String talkingStick(TalkingStickResult r, String me) {
    return lines(r.messages(), talkingStickNotice(r, me));
  }

  /** What a participants call delivered, and who is in the room doing what. */
  public static String participants(ParticipantsResult r) {
    return lines(r.messages(), participantsNotice(r));
  }

  /** What a receipts call delivered, and who has seen the message. */
  public static String receipts(ReceiptsResult r) {
    return lines(r.messages(), receiptsNotice(r));
  }

  /** What a timeline call delivered, and what each participant did after the message. */
  public static String timeline(TimelineResult r) {
    return lines(r.messages(), timelineNotice(r));
  }

  // The notices alone, for a program that shows the messages its own way.

  /** A receipts call's notice: who has seen the message (and who is writing since), who has not. */
  public static String receiptsNotice(ReceiptsResult r) {
    if (r.receipts().isEmpty()) {
      return "[" + r.messageId() + ": nobody else is in the room]";
    }
    List<String> seen = new ArrayList<>();
    List<String> unseen = new ArrayList<>();
    for (Receipt p : r.receipts()) {
      if (p.delivered()) {
        seen.add(p.username() + (p.draftingAfter() ? " (writing since)" : ""));
      } else {
        unseen.add(p.username());
      }
    }
    String notice = "[" + r.messageId() + " was seen by " + or(seen, "nobody");
    if (!unseen.isEmpty()) {
      notice += "; not yet seen by " + String.join(", ", unseen);
    }
    return notice + "]";
  }

  /**
   * A timeline call's notice: for each participant, whether it saw the message and what it did
   * since, through its next message.
   */
  public static String timelineNotice(TimelineResult r) {
    if (r.participants().isEmpty()) {
      return "[timeline of " + r.messageId() + ": nobody else is in the room]";
    }
    List<String> who = new ArrayList<>();
    for (ParticipantTimeline p : r.participants()) {
      List<String> did = new ArrayList<>();
      did.add(p.delivered() ? "saw it" : "has not seen it");
      for (TimelineEvent e : p.events()) {
        switch (e.type()) {
          case DRAFT_STARTED -> did.add("started a draft");
          case DRAFT_CHANGED -> did.add("changed its draft (" + e.action().wireName() + ")");
          case PUSH_INTERRUPTED ->
              did.add(
                  "its push was held back ("
                      + (e.reason() == InterruptReason.HUMAN_DRAFTING
                          ? "a human was typing"
                          : "new messages had arrived")
                      + ")");
          case PUSH_REFUSED ->
              did.add(
                  "its push was refused ("
                      + e.code()
                      + " "
                      + e.error()
                      + (e.detail() == null ? "" : ": " + e.detail())
                      + ")");
          case PUSHED -> did.add("then sent " + e.messageId());
          case DELIVERED -> {
            // The first delivery is "saw it"; later ones say nothing about this message.
          }
        }
      }
      if (p.events().stream().noneMatch(e -> e.type() != TimelineEventType.DELIVERED)) {
        did.add("did nothing since");
      }
      who.add(p.username() + " " + String.join(", ", did));
    }
    return "[timeline of "
        + r.messageId()
        + ": "
        + String.join("; ", who)
        + (r.complete() ? "" : " (the daemon no longer holds all of it)")
        + "]";
  }

  private static String or(List<String> names, String none) {
    return names.isEmpty() ? none : String.join(", ", names);
  }

  /** An append's notice: its text was cut or refused; null when it went as asked. */
  public static String appendNotice(AppendResult r) {
    return switch (r.status()) {
      case 2 ->
          "[truncated: the last "
              + r.truncated()
              + " characters were dropped; the draft ends with \""
              + r.suffix()
              + "\"]";
      case 0 -> "[not appended: " + r.reason() + "]";
      default -> null;
    };
  }

  /** The notice of an agent's push held back while a human drafts ({@code human_first}). */
  public static final String HUMAN_DRAFTING =
      "[not sent: a human is typing; check, then push again]";

  /** A push's notice: it was interrupted or held back; null when it was sent. */
  public static String pushNotice(PushResult r) {
    PushOutcome outcome = PushOutcome.of(r);
    if (outcome == PushOutcome.HUMAN_DRAFTING) {
      return HUMAN_DRAFTING;
    }
    if (outcome != PushOutcome.INTERRUPTED) {
      return null;
    }
    long arrived = r.messages().stream().filter(m -> m.kind() == MessageKind.CHAT).count();
    return "[not sent: "
        + arrived
        + " new message"
        + (arrived == 1 ? "" : "s")
        + " arrived; push again to send it, or revise it first]";
  }

  /** An undo's notice: there was nothing to undo; null when it removed a segment. */
  public static String undoNotice(UndoResult r) {
    return r.status() == 0 ? "[nothing to undo: the draft is empty]" : null;
  }

  /** A preview's notice: the draft. */
  public static String previewNotice(PreviewResult r) {
    return r.draft().isEmpty() ? "[the draft is empty]" : "[draft: " + r.draft() + "]";
  }

  /** A floor claim's notice: who holds the talking stick now. */
  public static String talkingStickNotice(TalkingStickResult r, String me) {
    return r.granted() && me.equals(r.holder())
        ? "[you have the talking stick]"
        : "[the talking stick is held by " + r.holder() + "]";
  }

  /** A participants call's notice: who is in the room doing what. */
  public static String participantsNotice(ParticipantsResult r) {
    List<String> who = new ArrayList<>();
    for (Participant p : r.participants()) {
      who.add(
          p.username()
              + " ("
              + p.state().wireName()
              + (p.holdsStick() ? ", has the talking stick" : "")
              + ")");
    }
    return "[in the room: " + String.join(", ", who) + "]";
  }

  /** The notice for an append the daemon refused: the floor is another's, or the content policy. */
  public static String appendRefused(ParleyRpcException e) {
    if (e instanceof FloorHeldException floor) {
      return "[not appended: " + floorHeld(floor) + "]";
    }
    return "[not appended: the text breaks the content policy: " + detail(e) + "]";
  }

  /**
   * The notice for a push the daemon refused: an empty draft, the floor is another's, or the room's
   * moderation holds it (the loop guard, a mute, a pause).
   */
  public static String pushRefused(ParleyRpcException e) {
    if (e instanceof FloorHeldException floor) {
      return "[not sent: " + floorHeld(floor) + "]";
    }
    if (e instanceof PushHeldException held) {
      return pushHeld(held);
    }
    return "[nothing to push: the draft is empty]";
  }

  /** The notice of a push the room's moderation holds; the draft is kept in every case. */
  public static String pushHeld(PushHeldException e) {
    PushHeldException.Reason reason = e.reason();
    if (reason == null) {
      return "[not sent: " + detail(e) + "]";
    }
    return switch (reason) {
      case AGENT_RUN ->
          "[not sent: agents have sent "
              + e.agentRun()
              + (Integer.valueOf(1).equals(e.agentRun()) ? " message" : " messages")
              + " in a row with no person between them; wait (check) until a person"
              + " speaks or a moderator lets the agents continue, then push again]";
      case MUTED ->
          "[not sent: "
              + e.by()
              + " muted you"
              + (e.until() == null ? "" : " until " + e.until())
              + "; your draft is kept]";
      case PAUSED ->
          "[not sent: "
              + e.by()
              + " paused the room; only moderators speak until it is resumed: check, then push"
              + " again]";
    };
  }

  /** A moderator's call's notice: what changed, or that nothing needed to. */
  public static String moderationNotice(String what, ModerationResult r) {
    return r.status() == 1 ? "[" + what + "]" : "[nothing to change: " + what + " already]";
  }

  private static String floorHeld(FloorHeldException e) {
    String holder = e.holder();
    return holder == null
        ? "this room needs the talking stick; claim it first"
        : "the floor is held by " + holder + "; claim the talking stick when it is free";
  }

  private static String detail(ParleyRpcException e) {
    return e.detail() == null ? e.getMessage() : e.detail();
  }

  /** Messages, then a notice line if there is one. */
  public static String lines(List<Message> messages, String notice) {
    StringBuilder out = new StringBuilder();
    for (Message m : messages) {
      line(out, m.senderId() + ": " + m.content());
    }
    if (notice != null) {
      line(out, notice);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String line) {
    if (!out.isEmpty()) {
      out.append('\n');
    }
    out.append(line);
  }
}
