package dev.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.AppendResult;
import dev.parley.api.ContentPolicyException;
import dev.parley.api.FloorHeldException;
import dev.parley.api.NoDraftException;
import dev.parley.api.PushResult;
import dev.parley.api.WakeOn;
import dev.parley.client.ChatSession;
import dev.parley.client.ChatText;
import dev.parley.spec.Json;
import dev.parley.spec.PushOutcome;
import dev.parley.spec.SpecDocument;
import java.util.List;

/**
 * The protocol's actions as the model's tools, described by the spec: each tool's description is
 * the method's summary and description, its parameters the method's required params (the
 * optional ones, such as a push's {@code txn_id} or a check's timeout, are the client's
 * business). Calls run through {@link ChatSession}, so retries and recovery are handled, and its
 * typed results are told to the model in {@link ChatText}'s words.
 */
final class ProtocolTools {
  /** The actions a persona may take. */
  static final List<String> ACTIONS =
      List.of("append", "undo", "preview", "push", "reset", "check", "talking_stick", "participants");
  private static final ObjectMapper JSON = Json.mapper();

  private ProtocolTools() {}

  /** The tools, in the chat-completions {@code tools} format. */
  static ArrayNode definitions() {
    ArrayNode tools = JSON.createArrayNode();
    for (String action : ACTIONS) {
      JsonNode method = SpecDocument.get().method(action);
      ObjectNode function = tools.addObject().put("type", "function").putObject("function");
      function.put("name", action);
      function.put("description", method.path("summary").asText() + " " + method.path("description").asText());
      ObjectNode parameters = function.putObject("parameters");
      parameters.put("type", "object");
      ObjectNode properties = parameters.putObject("properties");
      ArrayNode required = parameters.putArray("required");
      for (JsonNode param : method.path("params")) {
        if (param.path("required").asBoolean(false)) {
          ObjectNode schema = param.get("schema").deepCopy();
          schema.put("description", param.path("description").asText());
          properties.set(param.get("name").asText(), schema);
          required.add(param.get("name").asText());
        }
      }
      parameters.put("additionalProperties", false);
    }
    return tools;
  }

  /**
   * Runs one tool call.
   *
   * @return what the room said (messages that arrived and notices, or a short note of success), and
   *     whether a message was sent
   */
  static Done execute(ChatSession room, String name, JsonNode arguments) {
    if (name.equals("push")) {
      try {
        PushResult r = room.push(false);
        return new Done(said(ChatText.push(r)), PushOutcome.of(r) == PushOutcome.SENT);
      } catch (NoDraftException | FloorHeldException e) {
        return new Done(said(ChatText.pushRefused(e)), false);
      }
    }
    String said = switch (name) {
      case "append" -> append(room, arguments.path("text"));
      case "undo" -> ChatText.undo(room.undo());
      case "preview" -> ChatText.preview(room.preview());
      case "reset" -> ChatText.messages(room.reset().messages());
      case "check" -> ChatText.messages(room.check(null, WakeOn.ANY).messages());
      case "talking_stick" -> ChatText.talkingStick(room.talkingStick(), room.username());
      case "participants" -> ChatText.participants(room.participants());
      default -> "[no such tool: " + name + "; the tools are " + String.join(", ", ACTIONS) + "]";
    };
    return new Done(said(said), false);
  }

  private static String append(ChatSession room, JsonNode text) {
    if (!text.isTextual()) {
      return "[not appended: append needs a text argument]";
    }
    try {
      AppendResult r = room.append(text.asText());
      return ChatText.append(r);
    } catch (FloorHeldException | ContentPolicyException e) {
      return ChatText.appendRefused(e);
    }
  }

  /**
   * What a tool call did.
   *
   * @param said what to tell the model
   * @param sent whether it sent a message
   */
  record Done(String said, boolean sent) {}

  private static String said(String text) {
    return text.isEmpty() ? "(done; no new messages)" : text;
  }
}
