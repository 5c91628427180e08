package dev.parley.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A read-only view of an OpenRPC document: its methods, schemas and errors. */
public final class OpenRpcDocument {
  private static final String SCHEMA_REF = "#/components/schemas/";
  private static final String ERROR_REF = "#/components/errors/";

  private final JsonNode root;

  private OpenRpcDocument(JsonNode root) {
    this.root = root;
  }

  /** Reads the document at {@code path}. */
  public static OpenRpcDocument read(Path path) throws IOException {
    return new OpenRpcDocument(new ObjectMapper().readTree(path.toFile()));
  }

  /** Wraps an already parsed document. */
  public static OpenRpcDocument of(JsonNode root) {
    return new OpenRpcDocument(root);
  }

  /** The document's title, as in {@code info.title}. */
  public String title() {
    return root.path("info").path("title").asText();
  }

  /** The named schemas of {@code components.schemas}, in document order. */
  public Map<String, JsonNode> schemas() {
    return fields(root.path("components").path("schemas"));
  }

  /** The named errors of {@code components.errors}, in document order. */
  public Map<String, JsonNode> errors() {
    return fields(root.path("components").path("errors"));
  }

  /**
   * The JSON Schema of each error's {@code data}, by the error's name in {@code components.errors}:
   * the document's {@code x-error-data}. OpenRPC's error object admits no extension, and its own
   * {@code data} is a value (an example), so the schemas live beside it.
   *
   * @throws IllegalArgumentException if a schema names no declared error
   */
  public Map<String, JsonNode> errorData() {
    Map<String, JsonNode> data = fields(root.path("x-error-data"));
    Map<String, JsonNode> errors = errors();
    for (String name : data.keySet()) {
      if (!errors.containsKey(name)) {
        throw new IllegalArgumentException(
            "x-error-data names " + name + ", which components.errors does not declare");
      }
    }
    return data;
  }

  /** Every method, in document order. */
  public List<Method> methods() {
    List<Method> methods = new ArrayList<>();
    for (JsonNode m : root.path("methods")) {
      List<Param> params = new ArrayList<>();
      for (JsonNode p : m.path("params")) {
        params.add(
            new Param(
                p.path("name").asText(),
                p.path("required").asBoolean(false),
                p.path("description").asText(""),
                p.path("schema")));
      }
      List<String> errorNames = new ArrayList<>();
      for (JsonNode e : m.path("errors")) {
        errorNames.add(refName(e, ERROR_REF));
      }
      JsonNode session = m.path("x-requires-session");
      if (!session.isBoolean()) {
        // No default on either side: a method that does not say would be read one way here and
        // another way by a client.
        throw new IllegalArgumentException(
            "method " + m.path("name").asText() + " must say x-requires-session: true or false");
      }
      methods.add(
          new Method(
              m.path("name").asText(),
              m.path("summary").asText(""),
              m.path("description").asText(""),
              session.booleanValue(),
              List.copyOf(params),
              m.path("result").path("schema"),
              List.copyOf(errorNames)));
    }
    return methods;
  }

  /**
   * The server's notifications, from the {@code x-notifications} extension: each a name, a summary,
   * a description and its params as a {@code $ref} to an object schema of {@code
   * components.schemas}. Checked here, since the OpenRPC meta-schema lets {@code x-} members hold
   * anything: a malformed entry fails the build.
   */
  public List<Notification> notifications() {
    JsonNode declared = root.path("x-notifications");
    if (declared.isMissingNode()) {
      return List.of();
    }
    if (!declared.isArray()) {
      throw new IllegalArgumentException("x-notifications must be an array");
    }
    Map<String, JsonNode> schemas = schemas();
    List<String> methodNames = methods().stream().map(Method::name).toList();
    List<Notification> out = new ArrayList<>();
    for (JsonNode n : declared) {
      String name = n.path("name").asText("");
      if (!n.path("name").isTextual() || name.isEmpty()) {
        throw new IllegalArgumentException("every entry of x-notifications needs a name");
      }
      if (methodNames.contains(name) || out.stream().anyMatch(o -> o.name().equals(name))) {
        throw new IllegalArgumentException(
            "the notification " + name + " has the name of a method or of another notification");
      }
      JsonNode params = n.path("params");
      String schema = params.isObject() ? schemaRefName(params) : null;
      if (schema == null
          || !schemas.containsKey(schema)
          || !"object".equals(schemas.get(schema).path("type").asText())) {
        throw new IllegalArgumentException(
            "the notification "
                + name
                + " must give its params as a $ref to an object schema of components.schemas");
      }
      out.add(
          new Notification(
              name, n.path("summary").asText(""), n.path("description").asText(""), schema));
    }
    return List.copyOf(out);
  }

  /** The name a {@code $ref} to a component schema points at, or null when it is not one. */
  public static String schemaRefName(JsonNode schema) {
    return schema.has("$ref") ? refName(schema, SCHEMA_REF) : null;
  }

  /**
   * The schema itself, seen through a lone {@code allOf} wrapper (used to give a referenced schema
   * a default).
   */
  public static JsonNode unwrap(JsonNode schema) {
    JsonNode allOf = schema.path("allOf");
    return allOf.isArray() && allOf.size() == 1 ? allOf.get(0) : schema;
  }

  private static String refName(JsonNode node, String prefix) {
    String ref = node.path("$ref").asText();
    if (!ref.startsWith(prefix)) {
      throw new IllegalArgumentException(
          "Unsupported $ref " + ref + " (expected " + prefix + "...)");
    }
    return ref.substring(prefix.length());
  }

  private static Map<String, JsonNode> fields(JsonNode node) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** One parameter of a method. */
  public record Param(String name, boolean required, String description, JsonNode schema) {}

  /**
   * One server notification of {@code x-notifications}.
   *
   * @param paramsSchema the name of its params' schema in {@code components.schemas}
   */
  public record Notification(
      String name, String summary, String description, String paramsSchema) {}

  /** One method of the document. */
  public record Method(
      String name,
      String summary,
      String description,
      boolean requiresSession,
      List<Param> params,
      JsonNode resultSchema,
      List<String> errors) {}
}
