package dev.parley.server.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import dev.parley.server.store.Timestamps;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conversation log format: one JSON object a line with {@code timestamp}, {@code user},
 * {@code type} and {@code content}. Actions are written as the tagged content that seed 000's
 * replay parses: {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>}, then
 * {@code <tool_response>...</tool_response>}.
 */
public final class LogLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogLines() {}

  /** A chat or system message. */
  public static ObjectNode message(Message m) {
    ObjectNode line = line(m.timestamp(), m.senderId(), m.kind().wireName(), m.content());
    line.put("room", m.room());
    line.put("message_id", m.messageId());
    return line;
  }

  /** The start of an action. */
  public static ObjectNode toolCall(String room, String user, String method, Map<String, Object> arguments, Instant at) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("name", method);
    call.put("arguments", arguments);
    ObjectNode line = line(Timestamps.format(at), user, "tool_call", "<tool_call>" + write(call) + "</tool_call>");
    line.put("room", room);
    return line;
  }

  /** The end of an action: its result or error, and which action it ends (calls may overlap). */
  public static ObjectNode toolResponse(String room, String user, String method, Object outcome, Instant at) {
    ObjectNode line = line(Timestamps.format(at), user, "tool_response",
        "<tool_response>" + write(outcome) + "</tool_response>");
    line.put("room", room);
    line.put("method", method);
    return line;
  }

  /** A participant's note, tagged as seed 000's replay reads it. */
  public static ObjectNode note(String room, String user, NoteKind kind, String content, Instant at) {
    String tag = kind == NoteKind.THINKING ? "bot_thinking" : kind.wireName();
    ObjectNode line = line(Timestamps.format(at), user, kind.wireName(), "<" + tag + ">" + content + "</" + tag + ">");
    line.put("room", room);
    return line;
  }

  /** A line as written to the log: compact JSON, no line break. */
  public static String text(ObjectNode line) {
    return write(line);
  }

  private static ObjectNode line(String timestamp, String user, String type, String content) {
    ObjectNode line = JSON.createObjectNode();
    line.put("timestamp", timestamp);
    line.put("user", user);
    line.put("type", type);
    line.put("content", content);
    return line;
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
