package dev.parley.mcp;

import dev.parley.api.AppendResult;
import dev.parley.api.CheckResult;
import dev.parley.api.HistoryResult;
import dev.parley.api.LoginResult;
import dev.parley.api.LogoutResult;
import dev.parley.api.ModerationResult;
import dev.parley.api.Participant;
import dev.parley.api.ParticipantsResult;
import dev.parley.api.PreviewResult;
import dev.parley.api.PushResult;
import dev.parley.api.ReceiptsResult;
import dev.parley.api.ResetResult;
import dev.parley.api.RoomSummary;
import dev.parley.api.RoomsResult;
import dev.parley.api.TalkingStickResult;
import dev.parley.api.TimelineResult;
import dev.parley.api.UndoResult;
import dev.parley.client.ChatText;
import java.util.ArrayList;
import java.util.List;

/**
 * The text block of a tool result, in {@link ChatText}'s format (the one {@code AsyncChatRoom}
 * prints): the messages that arrived as {@code Sender: content} lines, then a bracketed notice
 * where something did not go as asked. The structured result goes beside it unchanged; this is only
 * how it reads. Chosen by the result's generated type, not by the method.
 */
final class ResultText {
  private ResultText() {}

  /**
   * @param result a typed result of the generated client
   * @param me the caller's username (null before login)
   * @return the text; empty when nothing arrived and nothing needs saying, as in the README's
   *     transcript
   */
  static String of(Object result, String me) {
    return switch (result) {
      case AppendResult r -> ChatText.append(r);
      case PushResult r -> ChatText.push(r);
      case UndoResult r -> ChatText.undo(r);
      case PreviewResult r -> ChatText.preview(r);
      case TalkingStickResult r -> ChatText.talkingStick(r, me);
      case ParticipantsResult r -> ChatText.participants(r);
      case ReceiptsResult r -> ChatText.receipts(r);
      case TimelineResult r -> ChatText.timeline(r);
      case ResetResult r -> ChatText.messages(r.messages());
      // A check that timed out says so: an empty answer after a long wait reads like a failure.
      case CheckResult r ->
          r.status() == 0 && r.messages().isEmpty()
              ? "[no new messages: check again to keep listening]"
              : ChatText.messages(r.messages());
      case LoginResult r ->
          ChatText.lines(
              r.messages(),
              "[you are "
                  + r.username()
                  + " in room "
                  + r.room()
                  + " (floor "
                  + r.floor().wireName()
                  + ")"
                  + (r.resumed() ? ", session resumed" : "")
                  + "; in the room: "
                  + who(r.participants())
                  + "]");
      case LogoutResult r ->
          ChatText.lines(r.messages(), r.status() == 1 ? "[logged out]" : "[already logged out]");
      case HistoryResult r ->
          ChatText.lines(
              r.messages(),
              r.messages().isEmpty()
                  ? "[no messages in this page]"
                  : r.hasMore() ? "[more messages lie beyond this page]" : null);
      case RoomsResult r -> rooms(r.rooms());
      case ModerationResult r ->
          ChatText.lines(r.messages(), r.status() == 1 ? "[done]" : "[nothing to change]");
      default -> String.valueOf(result);
    };
  }

  private static String who(List<Participant> participants) {
    List<String> names = new ArrayList<>();
    participants.forEach(p -> names.add(p.username()));
    return String.join(", ", names);
  }

  private static String rooms(List<RoomSummary> rooms) {
    if (rooms.isEmpty()) {
      return "[no rooms yet: log in to create one]";
    }
    List<String> lines = new ArrayList<>();
    for (RoomSummary r : rooms) {
      lines.add(
          r.room()
              + " ("
              + r.floor().wireName()
              + ", "
              + r.participants()
              + " participant"
              + (r.participants() == 1 ? "" : "s")
              + ", "
              + r.messages()
              + " message"
              + (r.messages() == 1 ? "" : "s")
              + ")");
    }
    return "[rooms: " + String.join("; ", lines) + "]";
  }
}
