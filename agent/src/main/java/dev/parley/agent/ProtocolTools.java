package dev.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.ParleyMethod;
import dev.parley.client.AsyncChatRoom;
import dev.parley.spec.Json;
import dev.parley.spec.PushOutcome;
import dev.parley.spec.SpecDocument;
import java.util.List;

/**
 * The protocol's actions as the model's tools, taken from the generated method table: each
 * tool's name is the method's wire name, its description the method's summary and description,
 * its parameters the method's required params as the spec declares them (the
 * optional ones, such as a push's {@code txn_id} or a check's timeout, are the client's
 * business). Calls run through {@link AsyncChatRoom}, so retries and recovery are handled.
 */
final class ProtocolTools {
  /** The actions a persona may take. */
  static final List<ParleyMethod> ACTIONS = List.of(ParleyMethod.APPEND, ParleyMethod.UNDO, ParleyMethod.PREVIEW,
      ParleyMethod.PUSH, ParleyMethod.RESET, ParleyMethod.CHECK, ParleyMethod.TALKING_STICK, ParleyMethod.PARTICIPANTS);
  private static final ObjectMapper JSON = Json.mapper();

  private ProtocolTools() {}

  /** The tools, in the chat-completions {@code tools} format. */
  static ArrayNode definitions() {
    ArrayNode tools = JSON.createArrayNode();
    for (ParleyMethod action : ACTIONS) {
      JsonNode method = SpecDocument.get().method(action.wireName());
      ObjectNode function = tools.addObject().put("type", "function").putObject("function");
      function.put("name", action.wireName());
      function.put("description", action.summary() + " " + action.description());
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
    return switch (ParleyMethod.byWireName(name).orElse(null)) {
      case PUSH -> {
        AsyncChatRoom.Pushed pushed = room.send();
        yield new Done(said(pushed.text()), pushed.outcome() == PushOutcome.SENT);
      }
      case APPEND -> {
        JsonNode text = arguments.path("text");
        yield new Done(said(text.isTextual() ? room.append(text.asText())
            : "[not appended: append needs a text argument]"), false);
      }
      case UNDO -> new Done(said(room.undo()), false);
      case PREVIEW -> new Done(said(room.preview()), false);
      case RESET -> new Done(said(room.reset()), false);
      case CHECK -> new Done(said(room.check()), false);
      case TALKING_STICK -> new Done(said(room.talkingStick()), false);
      case PARTICIPANTS -> new Done(said(room.participants()), false);
      case null, default -> new Done(said("[no such tool: " + name + "; the tools are "
          + String.join(", ", ACTIONS.stream().map(ParleyMethod::wireName).toList()) + "]"), false);
    };
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
