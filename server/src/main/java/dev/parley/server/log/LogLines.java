package dev.parley.server.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.Message;
import dev.parley.api.NoteKind;
import dev.parley.api.ParleyRpcException;
import dev.parley.server.store.Timestamps;
import dev.parley.spec.Json;
import dev.parley.viewer.frames.ContentParser;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conversation log format: one JSON object a line with {@code timestamp}, {@code user},
 * {@code type} and {@code content}. Actions are written as the tagged content that seed 000's
 * replay parses: {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>}, then
 * {@code <tool_response>...</tool_response>}. System messages carry their {@code event}; notes
 * are marked {@code "note": true}, so that a replay does not take them for the protocol's own
 * actions.
 */
public final class LogLines {
  private static final ObjectMapper JSON = Json.mapper();
  private static final String MESSAGES = "messages";

  private LogLines() {}

  /** A chat or system message. */
  public static ObjectNode message(Message m) {
    ObjectNode line = line(m.timestamp(), m.senderId(), m.kind().wireName(), m.content());
    line.put("room", m.room());
    line.put("message_id", m.messageId());
    if (m.event() != null) {
      line.set("event", JSON.valueToTree(m.event()));
    }
    return line;
  }

  /** The start of an action. */
  public static ObjectNode toolCall(String room, String user, String method, Map<String, Object> arguments, Instant at) {
    ObjectNode line = line(Timestamps.format(at), user, "tool_call", "<tool_call>" + callText(method, arguments) + "</tool_call>");
    line.put("room", room);
    return line;
  }

  /** The end of an action: its result or error, and which action it ends (calls may overlap). */
  public static ObjectNode toolResponse(String room, String user, String method, Object result, ParleyRpcException error,
      Instant at) {
    ObjectNode line = line(Timestamps.format(at), user, "tool_response",
        "<tool_response>" + outcomeText(result, error) + "</tool_response>");
    line.put("room", room);
    line.put("method", method);
    return line;
  }

  /** A participant's note, tagged as seed 000's replay reads it. */
  public static ObjectNode note(String room, String user, NoteKind kind, String content, Instant at) {
    String tag = kind == NoteKind.THINKING ? "bot_thinking" : kind.wireName();
    ObjectNode line = line(Timestamps.format(at), user, kind.wireName(), "<" + tag + ">" + content + "</" + tag + ">");
    line.put("room", room);
    line.put("note", true);
    return line;
  }

  /** A call as the log's {@code <tool_call>} holds it: {@code {"name": ..., "arguments": ...}}. */
  public static String callText(String method, Map<String, Object> arguments) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("name", method);
    call.put("arguments", arguments);
    return json(call);
  }

  /**
   * An action's outcome as the log's {@code <tool_response>} holds it: the result, or
   * {@code {"error": ...}}. The messages a result carries are already in the log, each on its
   * own line: the result names them by id ({@code "message_ids"} in place of {@code "messages"}),
   * so that a backlog delivered to many sessions is not written again for each of them.
   */
  public static String outcomeText(Object result, ParleyRpcException error) {
    if (error == null) {
      JsonNode tree = JSON.valueToTree(result);
      if (tree instanceof ObjectNode object && object.get(MESSAGES) instanceof ArrayNode messages) {
        ArrayNode ids = JSON.createArrayNode();
        messages.forEach(m -> ids.add(m.path("message_id").asText()));
        object.remove(MESSAGES);
        object.set(ContentParser.MESSAGE_IDS, ids);
      }
      return json(tree);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", error.code());
    body.put("message", error.rpcMessage());
    if (error.data() != null) {
      body.put("data", error.data());
    }
    return json(Map.of("error", body));
  }

  /**
   * A line as written to the log: compact JSON, no line break. U+2028 and U+2029 are escaped:
   * valid in JSON, they end lines for JavaScript and many line readers.
   */
  public static String text(ObjectNode line) {
    String text = json(line);
    return text.indexOf('\u2028') < 0 && text.indexOf('\u2029') < 0 ? text
        : text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
  }

  /** {@code value} as compact JSON. */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode line(String timestamp, String user, String type, String content) {
    ObjectNode line = JSON.createObjectNode();
    line.put("timestamp", timestamp);
    line.put("user", user);
    line.put("type", type);
    line.put("content", content);
    return line;
  }
}
