package dev.parley.client;

import dev.parley.api.AppendResult;
import dev.parley.api.Message;
import dev.parley.api.MessageKind;
import dev.parley.api.Participant;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.UndoResult;
import dev.parley.spec.PushOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Results as an LLM (or a person) reads them: each message as {@code Sender: content} on its
 * own line, oldest first, and a bracketed notice line where something did not go as asked. The
 * empty string means nothing arrived and nothing needs saying.
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

  // The notices alone, for AsyncChatRoom when a listener takes the messages.

  static String appendNotice(AppendResult r) {
    return switch (r.status()) {
      case 2 -> "[truncated: the last " + r.truncated() + " characters were dropped; the draft ends with \""
          + r.suffix() + "\"]";
      case 0 -> "[not appended: " + r.reason() + "]";
      default -> null;
    };
  }

  static String pushNotice(PushResult r) {
    if (PushOutcome.of(r) != PushOutcome.INTERRUPTED) {
      return null;
    }
    long arrived = r.messages().stream().filter(m -> m.kind() == MessageKind.CHAT).count();
    return "[not sent: " + arrived + " new message" + (arrived == 1 ? "" : "s")
        + " arrived; push again to send it, or revise it first]";
  }

  static String undoNotice(UndoResult r) {
    return r.status() == 0 ? "[nothing to undo: the draft is empty]" : null;
  }

  static String previewNotice(PreviewResult r) {
    return r.draft().isEmpty() ? "[the draft is empty]" : "[draft: " + r.draft() + "]";
  }

  static String talkingStickNotice(TalkingStickResult r, String me) {
    return r.granted() && me.equals(r.holder())
        ? "[you have the talking stick]"
        : "[the talking stick is held by " + r.holder() + "]";
  }

  static String participantsNotice(ParticipantsResult r) {
    List<String> who = new ArrayList<>();
    for (Participant p : r.participants()) {
      who.add(p.username() + " (" + p.state().wireName() + (p.holdsStick() ? ", has the talking stick" : "") + ")");
    }
    return "[in the room: " + String.join(", ", who) + "]";
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
