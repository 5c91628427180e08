package dev.parley.server.log;

import static dev.parley.extension.LogFormat.CONTENT;
import static dev.parley.extension.LogFormat.EVENT;
import static dev.parley.extension.LogFormat.MESSAGE_ID;
import static dev.parley.extension.LogFormat.METHOD;
import static dev.parley.extension.LogFormat.NOTE;
import static dev.parley.extension.LogFormat.ROOM;
import static dev.parley.extension.LogFormat.TIMESTAMP;
import static dev.parley.extension.LogFormat.TYPE;
import static dev.parley.extension.LogFormat.USER;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import dev.parley.api.ParleyRpcException;
import dev.parley.extension.LogFormat;
import dev.parley.extension.Timestamps;
import dev.parley.spec.Json;
import java.time.Instant;
import java.util.Map;

/**
 * The conversation log's lines, in the format of {@link LogFormat}: one JSON object a line with
 * {@code timestamp}, {@code user}, {@code type} and {@code content}. Actions are written as the
 * tagged content that a plain tagged log holds: {@code <tool_call>{"name": ..., "arguments":
 * ...}</tool_call>}, then {@code <tool_response>...</tool_response>}. System messages carry their
 * {@code event}; notes are marked {@code "note": true}, so that a replay does not take them for the
 * protocol's own actions.
 */
public final class LogLines {
  private static final ObjectMapper JSON = Json.mapper();

  private LogLines() {}

  /** A chat or system message. */
  public static ObjectNode message(Message m) {
    ObjectNode line = line(m.timestamp(), m.senderId(), m.kind().wireName(), m.content());
    line.put(ROOM, m.room());
    line.put(MESSAGE_ID, m.messageId());
    line.put(LogFormat.SEQ, m.seq());
    if (m.basedOn() != null) {
      line.put(LogFormat.BASED_ON, m.basedOn());
      line.put(LogFormat.STALE, Boolean.TRUE.equals(m.stale()));
    }
    if (m.event() != null) {
      line.set(EVENT, JSON.valueToTree(m.event()));
    }
    return line;
  }

  /** The start of an action. */
  public static ObjectNode toolCall(
      String room, String user, String method, Map<String, Object> arguments, Instant at) {
    ObjectNode line =
        line(
            Timestamps.format(at),
            user,
            "tool_call",
            "<tool_call>" + LogFormat.callText(method, arguments) + "</tool_call>");
    line.put(ROOM, room);
    return line;
  }

  /** The end of an action: its result or error, and which action it ends (calls may overlap). */
  public static ObjectNode toolResponse(
      String room,
      String user,
      String method,
      Object result,
      ParleyRpcException error,
      Instant at) {
    ObjectNode line =
        line(
            Timestamps.format(at),
            user,
            "tool_response",
            "<tool_response>" + LogFormat.outcomeText(result, error) + "</tool_response>");
    line.put(ROOM, room);
    line.put(METHOD, method);
    return line;
  }

  /** A participant's note, tagged as a plain tagged log has it. */
  public static ObjectNode note(
      String room, String user, NoteKind kind, String content, Instant at) {
    String tag = kind == NoteKind.THINKING ? "bot_thinking" : kind.wireName();
    ObjectNode line =
        line(
            Timestamps.format(at),
            user,
            kind.wireName(),
            "<" + tag + ">" + content + "</" + tag + ">");
    line.put(ROOM, room);
    line.put(NOTE, true);
    return line;
  }

  /**
   * A line as written to the log: compact JSON, no line break. U+2028 and U+2029 are escaped: valid
   * in JSON, they end lines for JavaScript and many line readers.
   */
  public static String text(ObjectNode line) {
    String text = LogFormat.json(line);
    return text.indexOf('\u2028') < 0 && text.indexOf('\u2029') < 0
        ? text
        : text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
  }

  private static ObjectNode line(String timestamp, String user, String type, String content) {
    ObjectNode line = JSON.createObjectNode();
    line.put(TIMESTAMP, timestamp);
    line.put(USER, user);
    line.put(TYPE, type);
    line.put(CONTENT, content);
    return line;
  }
}
