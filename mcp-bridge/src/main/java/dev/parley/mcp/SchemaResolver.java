package dev.parley.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Makes a schema of the OpenRPC document self-contained: every {@code $ref} into the document's
 * components is replaced by what it points to, because an MCP client receives one tool's schema on
 * its own, without the document around it. A single-member {@code allOf} (the spec's way to add a
 * default or a description to a referenced schema) is merged into its parent, which LLM
 * tool-calling front ends read more reliably than {@code allOf}.
 */
final class SchemaResolver {
  /** Deeper than any schema of the spec: a guard against a reference cycle. */
  private static final int MAX_DEPTH = 32;

  private final JsonNode document;

  /**
   * @param document the whole OpenRPC document, whose {@code $ref}s are resolved
   */
  SchemaResolver(JsonNode document) {
    this.document = document;
  }

  /** A copy of {@code schema} with every reference resolved. */
  JsonNode resolve(JsonNode schema) {
    return resolve(schema, 0);
  }

  private JsonNode resolve(JsonNode node, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalStateException("schema nested too deep (a $ref cycle?): " + node);
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> out.add(resolve(item, depth + 1)));
      return out;
    }
    if (!node.isObject()) {
      return node.deepCopy();
    }
    JsonNode ref = node.get("$ref");
    if (ref != null && ref.isTextual()) {
      ObjectNode target = (ObjectNode) resolve(lookUp(ref.asText()), depth + 1);
      // Keywords beside a $ref (such as a description) refine what it points to.
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!e.getKey().equals("$ref")) {
          target.set(e.getKey(), resolve(e.getValue(), depth + 1));
        }
      }
      return target;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.set(e.getKey(), resolve(e.getValue(), depth + 1));
    }
    JsonNode allOf = out.get("allOf");
    if (allOf != null && allOf.size() == 1 && allOf.get(0).isObject()) {
      out.remove("allOf");
      return merge((ObjectNode) allOf.get(0), out);
    }
    return out;
  }

  /**
   * The member of a single {@code allOf} with its parent's keywords on top; both descriptions are
   * kept, the parent's (the specific one) first.
   */
  private static ObjectNode merge(ObjectNode member, ObjectNode parent) {
    ObjectNode out = member.deepCopy();
    String memberDescription = member.path("description").asText(null);
    parent.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
    String parentDescription = parent.path("description").asText(null);
    if (memberDescription != null
        && parentDescription != null
        && !parentDescription.equals(memberDescription)) {
      out.put("description", parentDescription + " " + memberDescription);
    }
    return out;
  }

  private JsonNode lookUp(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalStateException("only references into the document are supported: " + ref);
    }
    JsonNode target = document.at(ref.substring(1));
    if (target.isMissingNode()) {
      throw new IllegalStateException("unresolved reference " + ref);
    }
    return target;
  }
}
