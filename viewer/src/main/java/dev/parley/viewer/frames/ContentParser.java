package dev.parley.viewer.frames;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.spec.Json;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tagged content of a log line: {@code <bot_thinking>}, {@code <tool_call>} (a JSON
 * object {@code {"name": ..., "arguments": ...}} or {@code name(args)}) and {@code
 * <tool_response>}; anything else is chat, or system when a system user wrote it.
 */
public final class ContentParser {
  private static final ObjectMapper JSON = Json.mapper();
  private static final Pattern CALL =
      Pattern.compile("^\\s*([\\w.\\-]+)\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);

  private ContentParser() {}

  /**
   * @param user the line's user
   * @param typeHint the line's {@code type}, or null (plain tagged logs have none)
   * @param content the line's content
   */
  public static ParsedContent parse(String user, String typeHint, String content) {
    // A line that says it is a chat or system message is one: its text cannot pose as an action.
    if ("chat".equals(typeHint) || "system".equals(typeHint)) {
      return new ParsedContent(typeHint, user, content, null, null);
    }
    String thinking = inner(content, "bot_thinking");
    if (thinking != null) {
      return new ParsedContent("thinking", user, thinking, null, null);
    }
    String call = inner(content, "tool_call");
    if (call != null) {
      return toolCall(user, call);
    }
    String response = inner(content, "tool_response");
    if (response != null) {
      return new ParsedContent("tool_response", user, response, null, null);
    }
    boolean system = "system".equals(typeHint) || "system".equalsIgnoreCase(user);
    return new ParsedContent(system ? "system" : "chat", user, content, null, null);
  }

  /**
   * A participant's note as observers see it: its reasoning, or a tool call of its own (read as a
   * JSON object or {@code name(args)}) or that tool's answer.
   *
   * @param type {@code thinking}, {@code tool_call} or {@code tool_response}
   */
  public static ParsedContent note(String type, String user, String content) {
    String text = content.strip();
    return "tool_call".equals(type)
        ? toolCall(user, text)
        : new ParsedContent(type, user, text, null, null);
  }

  private static ParsedContent toolCall(String user, String call) {
    try {
      JsonNode node = JSON.readTree(call);
      if (node != null && node.isObject() && node.path("name").isTextual()) {
        JsonNode args = node.path("arguments");
        String arguments =
            args.isMissingNode()
                ? ""
                : args.isTextual() ? args.asText() : JSON.writeValueAsString(args);
        return new ParsedContent("tool_call", user, call, node.get("name").asText(), arguments);
      }
    } catch (IOException notJson) {
      // Not JSON: perhaps name(args), below.
    }
    Matcher m = CALL.matcher(call);
    if (m.matches()) {
      return new ParsedContent("tool_call", user, call, m.group(1), m.group(2).trim());
    }
    return new ParsedContent("tool_call", user, call, "", call.trim());
  }

  /**
   * The text between {@code <tag>} and {@code </tag>} when the content starts with the tag, else
   * null.
   */
  private static String inner(String content, String tag) {
    String text = content.strip();
    String open = "<" + tag + ">";
    if (!text.startsWith(open)) {
      return null;
    }
    String close = "</" + tag + ">";
    int end = text.lastIndexOf(close);
    return (end < open.length()
            ? text.substring(open.length())
            : text.substring(open.length(), end))
        .strip();
  }
}
