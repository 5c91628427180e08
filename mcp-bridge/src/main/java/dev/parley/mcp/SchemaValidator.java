package dev.parley.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.parley.spec.Json;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MCP SDK's schema validation on the validator the daemon already uses (networknt
 * json-schema-validator 1.5). The SDK's own default needs version 2 of that library, which cannot
 * share a classpath with version 1, so servers and clients here are always given this one. Schemas
 * are compiled once each.
 */
public final class SchemaValidator implements JsonSchemaValidator {
  private static final ObjectMapper JSON = Json.mapper();
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();

  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final Map<Map<String, Object>, JsonSchema> compiled = new ConcurrentHashMap<>();

  /** A validator; compiled schemas are kept for its lifetime. */
  public SchemaValidator() {}

  @Override
  public ValidationResponse validate(Map<String, Object> schema, Object instance) {
    List<String> errors = errors(schema, instance);
    if (!errors.isEmpty()) {
      return ValidationResponse.asInvalid(String.join("; ", errors));
    }
    try {
      return ValidationResponse.asValid(JSON.writeValueAsString(instance));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return ValidationResponse.asInvalid("not JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * What is wrong with {@code instance}, one line per failure with its JSON pointer, such as {@code
   * /text: string found, integer expected}; empty when it conforms.
   */
  public List<String> errors(Map<String, Object> schema, Object instance) {
    JsonSchema compiledSchema =
        compiled.computeIfAbsent(schema, s -> factory.getSchema(JSON.valueToTree(s), CONFIG));
    JsonNode node = JSON.valueToTree(instance == null ? Map.of() : instance);
    Set<ValidationMessage> messages = compiledSchema.validate(node);
    return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
