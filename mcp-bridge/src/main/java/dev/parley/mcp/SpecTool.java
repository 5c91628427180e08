package dev.parley.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.spec.SpecDocument;
import java.util.ArrayList;
import java.util.List;

/**
 * One method of the OpenRPC document as an MCP tool: its name, its summary and description, its
 * params as one self-contained JSON Schema object, and its result schema. Read from the
 * document at run time, so a method added to the spec is a tool without any code here.
 *
 * @param name the method's name, which is the tool's
 * @param description the method's summary, a blank line, and its description
 * @param inputSchema {@code {"type": "object", "properties": …, "required": […],
 *     "additionalProperties": false}}, one property per param, references resolved
 * @param outputSchema the result's schema, references resolved, without the session token of
 *     {@code login}'s result ({@link #SESSION}): the bridge keeps tokens, the model never sees them
 * @param needsSession whether the method needs a session ({@code x-requires-session})
 */
public record SpecTool(String name, String description, ObjectNode inputSchema, ObjectNode outputSchema,
    boolean needsSession) {
  /** The field of a result that holds a session token, left out of what the model is given. */
  public static final String SESSION = "session";

  /** The tools of the packaged spec. */
  public static List<SpecTool> fromSpec() {
    return fromSpec(SpecDocument.get().tree());
  }

  /**
   * One tool per method of {@code document}, in the document's order, except the {@code rpc.}
   * methods (JSON-RPC reserves the prefix for the protocol itself: {@code rpc.discover} is for
   * programs, not for a participant of a room).
   */
  public static List<SpecTool> fromSpec(JsonNode document) {
    SchemaResolver resolver = new SchemaResolver(document);
    List<SpecTool> tools = new ArrayList<>();
    for (JsonNode method : document.path("methods")) {
      String name = method.path("name").asText();
      if (name.startsWith("rpc.")) {
        continue;
      }
      tools.add(new SpecTool(name, description(method), inputSchema(method, resolver),
          withoutSession((ObjectNode) resolver.resolve(method.path("result").path("schema"))),
          SpecDocument.requiresSession(method)));
    }
    return List.copyOf(tools);
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

  private static String description(JsonNode method) {
    String summary = method.path("summary").asText("");
    String description = method.path("description").asText("");
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
      String name = param.path("name").asText();
      ObjectNode property = (ObjectNode) resolver.resolve(param.path("schema"));
      String described = param.path("description").asText(null);
      if (described != null) {
        String own = property.path("description").asText(null);
        property.put("description", own == null || own.equals(described) ? described : described + " " + own);
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
