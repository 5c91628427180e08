package dev.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.client.AsyncChatRoom;
import dev.parley.spec.Json;
import dev.parley.spec.PushOutcome;
import dev.parley.spec.SpecDocument;
import java.util.List;

/**
 * The protocol's actions as the model's tools, described by the spec: each tool's description is
 * the method's summary and description, its parameters the method's required params (the
 * optional ones, such as a push's {@code txn_id} or a check's timeout, are the client's
 * business). Calls run through {@link AsyncChatRoom}, so retries and recovery are handled.
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
  static Done execute(AsyncChatRoom room, String name, JsonNode arguments) {
    if (name.equals("push")) {
      AsyncChatRoom.Pushed pushed = room.send();
      return new Done(said(pushed.text()), pushed.outcome() == PushOutcome.SENT);
    }
    String said = switch (name) {
      case "append" -> {
        JsonNode text = arguments.path("text");
        if (!text.isTextual()) {
          yield "[not appended: append needs a text argument]";
        }
        yield room.append(text.asText());
      }
      case "undo" -> room.undo();
      case "preview" -> room.preview();
      case "reset" -> room.reset();
      case "check" -> room.check();
      case "talking_stick" -> room.talkingStick();
      case "participants" -> room.participants();
      default -> "[no such tool: " + name + "; the tools are " + String.join(", ", ACTIONS) + "]";
    };
    return new Done(said(said), false);
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
