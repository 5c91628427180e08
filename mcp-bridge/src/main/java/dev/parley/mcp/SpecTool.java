package dev.parley.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.api.ParleyMethod;
import dev.parley.spec.SpecDocument;
import java.util.ArrayList;
import java.util.List;

/**
 * One method of the generated method table as an MCP tool: its entry (the name, whether it needs a
 * session, its params and result types, its summary and description), its params as one
 * self-contained JSON Schema object and its result schema, both taken from the OpenRPC document. A
 * method added to the spec is a tool without any code here.
 *
 * @param method the method's entry in the table; its wire name is the tool's name
 * @param description the method's summary, a blank line, and its description
 * @param inputSchema {@code {"type": "object", "properties": …, "required": […],
 *     "additionalProperties": false}}, one property per param, references resolved
 * @param outputSchema the result's schema, references resolved, without the session token of {@code
 *     login}'s result ({@link #SESSION}): the bridge keeps tokens, the model never sees them
 */
public record SpecTool(
    ParleyMethod method, String description, ObjectNode inputSchema, ObjectNode outputSchema) {
  /** The field of a result that holds a session token, left out of what the model is given. */
  public static final String SESSION = "session";

  /** The tool's name: the method's wire name. */
  public String name() {
    return method.wireName();
  }

  /** Whether the method needs a session ({@code x-requires-session}). */
  public boolean needsSession() {
    return method.requiresSession();
  }

  /** The tools of the packaged spec. */
  public static List<SpecTool> fromSpec() {
    return fromSpec(SpecDocument.get().tree());
  }

  /**
   * One tool per entry of the method table, in its order (the document's), except the {@code rpc.}
   * methods (JSON-RPC reserves the prefix for the protocol itself: {@code rpc.discover} is for
   * programs, not for a participant of a room) and those marked {@code x-websocket-only}; the
   * schemas and descriptions from {@code document}, without the params marked so.
   *
   * @throws IllegalArgumentException when the document lacks a method of the table
   */
  public static List<SpecTool> fromSpec(JsonNode document) {
    SchemaResolver resolver = new SchemaResolver(document);
    List<SpecTool> tools = new ArrayList<>();
    for (ParleyMethod entry : ParleyMethod.values()) {
      if (entry.wireName().startsWith("rpc.")) {
        continue;
      }
      JsonNode method = method(document, entry.wireName());
      if (websocketOnly(method)) {
        continue;
      }
      tools.add(
          new SpecTool(
              entry,
              description(entry),
              inputSchema(method, resolver),
              withoutSession((ObjectNode) resolver.resolve(method.path("result").path("schema")))));
    }
    return List.copyOf(tools);
  }

  /**
   * Whether the spec marks {@code node} (a method or a param) {@code x-websocket-only}: it means
   * something on a socket only (notifications), which a tool call cannot have.
   */
  static boolean websocketOnly(JsonNode node) {
    return node.path("x-websocket-only").asBoolean(false);
  }

  private static JsonNode method(JsonNode document, String name) {
    for (JsonNode method : document.path("methods")) {
      if (method.path("name").asText().equals(name)) {
        return method;
      }
    }
    throw new IllegalArgumentException(
        "the document has no method " + name + " of the generated method table");
  }

  private static ObjectNode withoutSession(ObjectNode schema) {
    if (schema.get("properties") instanceof ObjectNode properties) {
      properties.remove(SESSION);
    }
    if (schema.get("required") instanceof ArrayNode required) {
      for (int i = required.size() - 1; i >= 0; i--) {
        if (SESSION.equals(required.get(i).asText())) {
          required.remove(i);
        }
      }
    }
    return schema;
  }

  private static String description(ParleyMethod method) {
    String summary = method.summary();
    String description = method.description();
    if (summary.isEmpty() || description.isEmpty()) {
      return summary + description;
    }
    return summary + "\n\n" + description;
  }

  private static ObjectNode inputSchema(JsonNode method, SchemaResolver resolver) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = JsonNodeFactory.instance.arrayNode();
    for (JsonNode param : method.path("params")) {
      if (websocketOnly(param)) {
        continue;
      }
      String name = param.path("name").asText();
      ObjectNode property = (ObjectNode) resolver.resolve(param.path("schema"));
      String described = param.path("description").asText(null);
      if (described != null) {
        String own = property.path("description").asText(null);
        property.put(
            "description",
            own == null || own.equals(described) ? described : described + " " + own);
      }
      properties.set(name, property);
      if (param.path("required").asBoolean(false)) {
        required.add(name);
      }
    }
    // An empty "required" is invalid in older JSON Schema drafts some clients still use.
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    schema.put("additionalProperties", false);
    return schema;
  }
}
