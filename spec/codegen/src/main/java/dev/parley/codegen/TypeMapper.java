package dev.parley.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import java.util.Map;

/** Maps JSON Schemas of the document to Java types. */
final class TypeMapper {
  static final ClassName JSON_NODE = ClassName.get("com.fasterxml.jackson.databind", "JsonNode");
  private static final ClassName STRING = ClassName.get(String.class);
  private static final ClassName LIST = ClassName.get("java.util", "List");

  private final String pkg;
  private final Map<String, JsonNode> schemas;

  TypeMapper(String pkg, Map<String, JsonNode> schemas) {
    this.pkg = pkg;
    this.schemas = schemas;
  }

  /** Kinds of named schemas: each becomes a record, an enum, or stands for a plain type. */
  enum Kind {
    RECORD,
    ENUM,
    ALIAS
  }

  Kind kindOf(JsonNode schema) {
    if (schema.has("enum") && "string".equals(schema.path("type").asText())) {
      return Kind.ENUM;
    }
    if ("object".equals(schema.path("type").asText()) && schema.has("properties")) {
      return Kind.RECORD;
    }
    return Kind.ALIAS;
  }

  /** The Java type of a value matching {@code schema}; primitives where the value is required. */
  TypeName typeOf(JsonNode schema, boolean required) {
    JsonNode s = OpenRpcDocument.unwrap(schema);
    String ref = OpenRpcDocument.schemaRefName(s);
    if (ref != null) {
      JsonNode target = schemas.get(ref);
      if (target == null) {
        throw new IllegalArgumentException("No schema named " + ref);
      }
      return kindOf(target) == Kind.ALIAS ? typeOf(target, required) : ClassName.get(pkg, ref);
    }
    JsonNode type = s.path("type");
    String t = type.isArray() ? firstNonNull(type) : type.asText("");
    TypeName plain =
        switch (t) {
          case "string" -> STRING;
          case "integer" -> wide(s) ? TypeName.LONG : TypeName.INT;
          case "number" -> TypeName.DOUBLE;
          case "boolean" -> TypeName.BOOLEAN;
          case "array" -> ParameterizedTypeName.get(LIST, typeOf(s.path("items"), false));
          case "object", "" -> JSON_NODE;
          default -> throw new IllegalArgumentException("Unsupported schema type " + t);
        };
    boolean nullable = type.isArray();
    return required && !nullable ? plain : plain.box();
  }

  /**
   * Whether an integer needs 64 bits: it says {@code format: int64}, or its range (a {@code
   * maximum} such as JavaScript's largest safe integer, which a schema without formats uses) passes
   * an int's.
   */
  private static boolean wide(JsonNode integer) {
    JsonNode max = integer.path("maximum");
    return "int64".equals(integer.path("format").asText())
        || (max.isNumber() && max.longValue() > Integer.MAX_VALUE);
  }

  private static String firstNonNull(JsonNode types) {
    for (JsonNode t : types) {
      if (!"null".equals(t.asText())) {
        return t.asText();
      }
    }
    return "";
  }
}
