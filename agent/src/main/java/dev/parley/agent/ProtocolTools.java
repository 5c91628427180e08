package dev.parley.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.AppendResult;
import dev.parley.api.ContentPolicyException;
import dev.parley.api.FloorHeldException;
import dev.parley.api.NoDraftException;
import dev.parley.api.ParleyMethod;
import dev.parley.api.PushHeldException;
import dev.parley.api.PushResult;
import dev.parley.api.WakeOn;
import dev.parley.client.ChatSession;
import dev.parley.client.ChatText;
import dev.parley.spec.Json;
import dev.parley.spec.PushOutcome;
import dev.parley.spec.SpecDocument;
import java.util.List;

/**
 * The protocol's actions as the model's tools, taken from the generated method table: each tool's
 * name is the method's wire name, its description the method's summary and description, its
 * parameters the method's required params as the spec declares them (the optional ones, such as a
 * push's {@code txn_id} or a check's timeout, are the client's business). Calls run through {@link
 * ChatSession}, so retries and recovery are handled, and its typed results are told to the model in
 * {@link ChatText}'s words.
 */
final class ProtocolTools {
  /** The actions a persona may take. */
  static final List<ParleyMethod> ACTIONS =
      List.of(
          ParleyMethod.APPEND,
          ParleyMethod.UNDO,
          ParleyMethod.PREVIEW,
          ParleyMethod.PUSH,
          ParleyMethod.RESET,
          ParleyMethod.CHECK,
          ParleyMethod.TALKING_STICK,
          ParleyMethod.PARTICIPANTS);

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
  static Done execute(ChatSession room, String name, JsonNode arguments) {
    ParleyMethod method = ParleyMethod.byWireName(name).filter(ACTIONS::contains).orElse(null);
    if (method == null) {
      return new Done(
          said(
              "[no such tool: "
                  + name
                  + "; the tools are "
                  + String.join(", ", ACTIONS.stream().map(ParleyMethod::wireName).toList())
                  + "]"),
          false);
    }
    if (method == ParleyMethod.PUSH) {
      try {
        PushResult r = room.push(false);
        return new Done(said(ChatText.push(r)), PushOutcome.of(r) == PushOutcome.SENT);
      } catch (NoDraftException | FloorHeldException | PushHeldException e) {
        return new Done(said(ChatText.pushRefused(e)), false);
      }
    }
    String said =
        switch (method) {
          case APPEND -> append(room, arguments.path("text"));
          case UNDO -> ChatText.undo(room.undo());
          case PREVIEW -> ChatText.preview(room.preview());
          case RESET -> ChatText.messages(room.reset().messages());
          case CHECK -> ChatText.messages(room.check(null, WakeOn.ANY).messages());
          case TALKING_STICK -> ChatText.talkingStick(room.talkingStick(), room.username());
          case PARTICIPANTS -> ChatText.participants(room.participants());
          default ->
              throw new IllegalStateException("an action without a case: " + method.wireName());
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
