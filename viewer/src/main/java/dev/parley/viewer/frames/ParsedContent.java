package dev.parley.viewer.frames;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a log line's content is, as the viewer shows it.
 *
 * @param type {@code chat}, {@code thinking}, {@code tool_call}, {@code tool_response} or {@code
 *     system}
 * @param user who wrote it
 * @param content the text, without its tags
 * @param function the called function (tool calls only), or null
 * @param arguments the call's arguments as text (tool calls only), or null
 */
public record ParsedContent(
    String type, String user, String content, String function, String arguments) {

  /** As the {@code parsed_content} member of a {@code chat_message} frame. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", type);
    node.put("user", user);
    node.put("content", content);
    if (function != null) {
      node.put("function", function);
      node.put("arguments", arguments);
    }
    return node;
  }
}
