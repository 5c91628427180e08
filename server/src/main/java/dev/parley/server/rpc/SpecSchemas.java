package dev.parley.server.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ApplyDefaultsStrategy;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationContext;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.regex.RegularExpression;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON Schemas of the OpenRPC document, compiled once: each method's params (as one object
 * schema) and result. {@code $ref}s into {@code components} resolve because every compiled schema
 * carries the document's components beside it.
 */
public final class SpecSchemas {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder()
          .pathType(PathType.JSON_POINTER)
          .applyDefaultsStrategy(new ApplyDefaultsStrategy(true, false, false))
          .formatAssertionsEnabled(true)
          .regularExpressionFactory(SpecSchemas::ecmaRegex)
          .build();

  private final Map<String, JsonSchema> params = new HashMap<>();
  private final Map<String, JsonSchema> results = new HashMap<>();
  private final Map<Integer, JsonSchema> errorData = new HashMap<>();
  private final Map<String, JsonSchema> notifications = new HashMap<>();

  /** Compiles the schemas of {@code document}. */
  public SpecSchemas(JsonNode document) {
    // "components" only carries the document's schemas for $ref to point into.
    JsonMetaSchema draft7 =
        JsonMetaSchema.builder(JsonMetaSchema.getV7())
            .keyword(new NonValidationKeyword("components"))
            .format(new IntegerRange("int64", Long.MIN_VALUE, Long.MAX_VALUE))
            .format(new IntegerRange("int32", Integer.MIN_VALUE, Integer.MAX_VALUE))
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V7, builder -> builder.metaSchema(draft7));
    JsonNode components = document.path("components");
    for (JsonNode method : document.path("methods")) {
      ObjectNode p = withComponents(components);
      p.put("type", "object");
      p.put("additionalProperties", false);
      ObjectNode properties = p.putObject("properties");
      var required = p.putArray("required");
      for (JsonNode param : method.path("params")) {
        properties.set(param.path("name").asText(), param.path("schema"));
        if (param.path("required").asBoolean(false)) {
          required.add(param.path("name").asText());
        }
      }
      String name = method.path("name").asText();
      params.put(name, factory.getSchema(p, CONFIG));
      ObjectNode r = withComponents(components);
      r.set("allOf", JSON.arrayNode().add(method.path("result").path("schema")));
      results.put(name, factory.getSchema(r, CONFIG));
    }
    for (JsonNode notification : document.path("x-notifications")) {
      ObjectNode n = withComponents(components);
      n.set("allOf", JSON.arrayNode().add(notification.path("params")));
      notifications.put(notification.path("name").asText(), factory.getSchema(n, CONFIG));
    }
    // An error's "data" is an example; its schema is under the error's name in x-error-data.
    JsonNode dataSchemas = document.path("x-error-data");
    components
        .path("errors")
        .properties()
        .forEach(
            error -> {
              ObjectNode d = withComponents(components);
              JsonNode schema = dataSchemas.path(error.getKey());
              d.set(
                  "allOf",
                  JSON.arrayNode().add(schema.isMissingNode() ? JSON.objectNode() : schema));
              errorData.put(error.getValue().path("code").asInt(), factory.getSchema(d, CONFIG));
            });
  }

  private static ObjectNode withComponents(JsonNode components) {
    ObjectNode root = JSON.objectNode();
    root.put("$schema", "http://json-schema.org/draft-07/schema#");
    root.set("components", components);
    return root;
  }

  /**
   * Validates a method's params, filling in the declared defaults of absent ones.
   *
   * @return the violations, first pointer first; empty when the params are valid
   */
  public List<Violation> validateParams(String method, ObjectNode value) {
    List<Violation> broken = LoneSurrogates.in(value);
    if (!broken.isEmpty()) {
      // First and alone: a schema message could quote the string, which cannot be written.
      return broken;
    }
    JsonSchema schema = params.get(method);
    return violations(
        schema.walk(schema.createExecutionContext(), value, true).getValidationMessages());
  }

  /** Validates a method's result; empty when it conforms. */
  public List<Violation> validateResult(String method, JsonNode value) {
    return violations(results.get(method).validate(value));
  }

  /**
   * Validates the params of a server notification ({@code x-notifications}); empty when they
   * conform.
   */
  public List<Violation> validateNotification(String name, JsonNode value) {
    JsonSchema schema = notifications.get(name);
    if (schema == null) {
      return List.of(new Violation("", "notification " + name + " is not declared"));
    }
    return violations(schema.validate(value));
  }

  /** Validates an error's {@code data} against its declared shape; empty when it conforms. */
  public List<Violation> validateErrorData(int code, JsonNode value) {
    JsonSchema schema = errorData.get(code);
    if (schema == null) {
      return List.of(new Violation("", "error code " + code + " is not declared"));
    }
    return violations(schema.validate(value));
  }

  private static List<Violation> violations(Set<ValidationMessage> messages) {
    List<Violation> out = new ArrayList<>();
    for (ValidationMessage m : messages) {
      String pointer = m.getInstanceLocation().toString();
      if (("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))
          && m.getProperty() != null) {
        // A JSON pointer token escapes "~" and "/" (RFC 6901), or "a/b" would read as two.
        pointer = pointer + "/" + m.getProperty().replace("~", "~0").replace("/", "~1");
      }
      out.add(new Violation(pointer, m.getMessage()));
    }
    out.sort(Comparator.comparing(Violation::pointer).thenComparing(Violation::detail));
    return out;
  }

  /**
   * A schema {@code pattern}, as ECMA-262 (the dialect of JSON Schema) reads it. Java's {@code $}
   * also matches before a final line break, so {@code ^[a-z]+$} would accept {@code "lobby\n"};
   * ECMA-262's matches only at the very end, which is Java's {@code \z}.
   */
  private static RegularExpression ecmaRegex(String regex) {
    StringBuilder java = new StringBuilder(regex.length() + 4);
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        java.append(c).append(regex.charAt(++i));
        continue;
      }
      if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '$') {
        java.append("\\z");
        continue;
      }
      java.append(c);
    }
    Pattern pattern = Pattern.compile(java.toString());
    return value -> pattern.matcher(value).find();
  }

  /**
   * The OpenAPI formats {@code int64} and {@code int32}, which draft 7 does not know: the generated
   * interface binds such params to {@code long} and {@code int}, so a larger number must fail
   * validation (-32602 naming it) instead of overflowing during dispatch (-32603).
   */
  private record IntegerRange(String name, long min, long max) implements Format {
    @Override
    public String getName() {
      return name;
    }

    // Deprecated in favour of message-bundle keys; this is the one way to word a custom format.
    @Override
    @SuppressWarnings("deprecation")
    public String getErrorMessageDescription() {
      return "must be an integer from " + min + " to " + max;
    }

    @Override
    public boolean matches(ExecutionContext context, ValidationContext validation, JsonNode value) {
      if (!value.isNumber()) {
        return true; // "type" reports what is not a number
      }
      if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
        return false;
      }
      // Only the range is this format's business; a fraction is reported by "type".
      BigDecimal v = value.decimalValue();
      return v.compareTo(BigDecimal.valueOf(min)) >= 0 && v.compareTo(BigDecimal.valueOf(max)) <= 0;
    }
  }

  /**
   * One way a value fails its schema.
   *
   * @param pointer the JSON pointer of the failing value
   * @param detail what is wrong
   */
  public record Violation(String pointer, String detail) {}
}
