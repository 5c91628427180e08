package dev.parley.extension;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.ParleyRpcException;
import dev.parley.spec.Json;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conversation log's format, as far as its writer (the daemon) and its readers (the viewer's
 * replay and live frames) share it: the fields of a line, and the text an action's call and outcome
 * are written as. A line is one JSON object with {@link #TIMESTAMP}, {@link #USER}, {@link #TYPE}
 * and {@link #CONTENT}; actions are tagged content ({@code <tool_call>...</tool_call>}, {@code
 * <tool_response>...</tool_response>}) holding {@link #callText} and {@link #outcomeText}.
 */
public final class LogFormat {
  /** When, in the protocol's format ({@link Timestamps}). */
  public static final String TIMESTAMP = "timestamp";

  /** Who: the sender, or the participant acting. */
  public static final String USER = "user";

  /** What kind of line: a message kind, {@code tool_call}, {@code tool_response} or a note kind. */
  public static final String TYPE = "type";

  /** The text, actions and notes tagged. */
  public static final String CONTENT = "content";

  /** The room. */
  public static final String ROOM = "room";

  /** A message's id. */
  public static final String MESSAGE_ID = "message_id";

  /** A system message's event object. */
  public static final String EVENT = "event";

  /** A message's sequence number in its room. */
  public static final String SEQ = "seq";

  /** A chat message's causal stamp: the highest seq its author had been delivered. */
  public static final String BASED_ON = "based_on";

  /** On a chat message: whether its author had not seen a chat message before it. */
  public static final String STALE = "stale";

  /**
   * True on a participant's note, so that a replay does not take it for one of the protocol's
   * actions.
   */
  public static final String NOTE = "note";

  /** On a {@code tool_response}: the method it answers (calls may overlap). */
  public static final String METHOD = "method";

  /**
   * What a logged result holds in place of its {@code messages}: their ids, in order (each message
   * has its own line in the log).
   */
  public static final String MESSAGE_IDS = "message_ids";

  private static final ObjectMapper JSON = Json.mapper();
  private static final String MESSAGES = "messages";

  private LogFormat() {}

  /** A call as the log's {@code <tool_call>} holds it: {@code {"name": ..., "arguments": ...}}. */
  public static String callText(String method, Map<String, Object> arguments) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("name", method);
    call.put("arguments", arguments);
    return json(call);
  }

  /**
   * An action's outcome as the log's {@code <tool_response>} holds it: the result, or {@code
   * {"error": ...}}. The messages a result carries are already in the log, each on its own line:
   * the result names them by id ({@link #MESSAGE_IDS} in place of {@code "messages"}), so that a
   * backlog delivered to many sessions is not written again for each of them.
   */
  public static String outcomeText(Object result, ParleyRpcException error) {
    if (error == null) {
      JsonNode tree = JSON.valueToTree(result);
      if (tree instanceof ObjectNode object && object.get(MESSAGES) instanceof ArrayNode messages) {
        ArrayNode ids = JSON.createArrayNode();
        messages.forEach(m -> ids.add(m.path(MESSAGE_ID).asText()));
        object.remove(MESSAGES);
        object.set(MESSAGE_IDS, ids);
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

  /** {@code value} as compact JSON. */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
